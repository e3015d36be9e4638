"""Placeholder: filled in by the console's tokens page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.routing import Route


def routes(with_api: Callable[..., Any]) -> list[Route]:
    return []
