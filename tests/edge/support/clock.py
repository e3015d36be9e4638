"""A clock the test moves by hand, for the rate limiter's buckets (``edge.rate_limit``)."""

from __future__ import annotations


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now
