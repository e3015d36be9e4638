"""Placeholder: the System page's sampler of GET /api/v1/statistics."""

from __future__ import annotations

import httpx


class Sampler:
    def __init__(self, client: httpx.AsyncClient, interval: float) -> None:
        self._client = client
        self._interval = interval

    def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None
