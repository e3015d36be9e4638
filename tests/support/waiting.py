"""Waiting for an effect that another process produces, without timing assertions."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(probe: Callable[[], T | None], *, within: float = 20.0, what: str = "") -> T:
    """Call ``probe`` until it returns something other than None (or False); return that.

    ``within`` bounds the wait so a broken system fails the test instead of hanging it; it
    is not a speed requirement.
    """
    deadline = time.monotonic() + within
    while True:
        found = probe()
        if found is not None and found is not False:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what or probe}")
        time.sleep(0.1)


async def settled(
    probe: Callable[[], Awaitable[T | None]], *, within: float = 20.0, what: str = ""
) -> T:
    """:func:`eventually` for a coroutine probe, inside a running event loop."""
    deadline = time.monotonic() + within
    while True:
        found = await probe()
        if found is not None and found is not False:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what or probe}")
        await asyncio.sleep(0.1)
