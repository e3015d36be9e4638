"""The S2 search for the highest offered load a system keeps up with, as pure functions
over the results of the steps already run, so that the search can be tested without
running anything.

A step passes when the system answered what was offered (achieved >= 99% of offered:
the steady window's edges cut a message or two), every action's p99 over the steady
window is at most 50 ms, and nothing failed. The search doubles the load from
``start`` while steps pass, then bisects (geometrically) between the highest load that
passed and the lowest that failed above it, and stops after ``steps`` steps, when the
two are within ``precision`` of each other, when the ceiling (the most the fleet can
offer) passed, or when even loads near the floor (the least it can offer) or a quarter
of ``start`` fail. The maximum is the highest load that passed: a lower bound, never an
estimate between two steps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

P99_LIMIT_MS = 50.0
KEPT_UP = 0.99


@dataclass(frozen=True)
class Step:
    """One load run: the load asked for (``target``, msg/s), what the fleet's schedule
    offered and what was answered in the steady window, the worst p99 over the actions,
    and the errors."""

    target: float
    offered: float
    achieved: float
    worst_p99_ms: float | None
    errors: int

    @property
    def passed(self) -> bool:
        return (
            self.offered > 0
            and self.achieved >= KEPT_UP * self.offered
            and self.worst_p99_ms is not None
            and self.worst_p99_ms <= P99_LIMIT_MS
            and self.errors == 0
        )


@dataclass(frozen=True)
class Search:
    """Where the search starts and how far it goes (loads in msg/s)."""

    start: float
    ceiling: float
    steps: int
    factor: float = 2.0
    precision: float = 0.15
    # The least the fleet can offer (its heartbeats alone): never asked for less.
    floor: float = 0.0


def next_target(search: Search, done: Sequence[Step]) -> float | None:
    """The load of the next step, or None when the search is over."""
    if not done:
        return min(search.start, search.ceiling)
    if len(done) >= search.steps:
        return None
    passed = [step.target for step in done if step.passed]
    best = max(passed, default=None)
    failed = [
        step.target for step in done if not step.passed and (best is None or step.target > best)
    ]
    worst = min(failed, default=None)
    if best is None:
        assert worst is not None
        lower = worst / search.factor
        return None if lower < max(search.floor, search.start / search.factor**2) else lower
    if worst is None:
        if best >= search.ceiling:
            return None
        return min(best * search.factor, search.ceiling)
    if worst / best <= 1 + search.precision:
        return None
    return math.sqrt(best * worst)


def maximum(done: Sequence[Step]) -> Step | None:
    """The passing step with the highest offered load, or None when none passed."""
    passed = [step for step in done if step.passed]
    return max(passed, key=lambda step: step.offered, default=None)
