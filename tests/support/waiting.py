"""Waiting for an effect that another process produces, without timing assertions."""

from __future__ import annotations

import time
from collections.abc import Callable
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
