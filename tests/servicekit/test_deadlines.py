"""servicekit.deadlines: a nested call ends MARGIN before the deadline of the call being
served, never later than its own timeout, and is unbounded by it outside a call."""

from __future__ import annotations

from typing import Any

import pytest

from servicekit.deadlines import MARGIN, SHORTEST, DeadlineInterceptor, within_caller

pytestmark = pytest.mark.unit


class _Context:
    def __init__(self, remaining: float | None) -> None:
        self.remaining = remaining

    def time_remaining(self) -> float | None:
        return self.remaining


async def _served_with(remaining: float | None, own: float) -> float:
    async def behaviour(request: Any, context: Any) -> float:
        return within_caller(own)

    wrapped = DeadlineInterceptor().wrap(None, behaviour)  # type: ignore[arg-type]
    assert wrapped is not None
    result: float = await wrapped(None, _Context(remaining))  # type: ignore[arg-type]
    return result


async def test_a_nested_call_ends_before_its_callers_deadline() -> None:
    assert await _served_with(2.0, 5.0) == pytest.approx(2.0 - MARGIN, abs=0.05)


async def test_its_own_timeout_still_bounds_it() -> None:
    assert await _served_with(30.0, 5.0) == 5.0


async def test_a_deadline_already_spent_leaves_the_shortest_wait() -> None:
    assert await _served_with(0.1, 5.0) == SHORTEST


async def test_without_a_deadline_or_outside_a_call_the_timeout_is_kept() -> None:
    assert await _served_with(None, 5.0) == 5.0
    assert within_caller(5.0) == 5.0
