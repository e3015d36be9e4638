"""The S2 search's logic on synthetic results: which load it tries next, when it stops,
and which step is the maximum (no load is run, no time measured)."""

from __future__ import annotations

import pytest

from bench.search import Search, Step, maximum, next_target

pytestmark = pytest.mark.unit


SEARCH = Search(start=100, ceiling=1000, steps=8)


def ran(target: float, *, ok: bool) -> Step:
    """A step at ``target`` that passed (kept up, p99 10 ms) or failed on p99."""
    return Step(target, target, target, 10.0 if ok else 80.0, 0)


def run_against(capacity: float, search: Search = SEARCH) -> list[Step]:
    """The whole search against a system that passes every load up to ``capacity``."""
    done: list[Step] = []
    while (target := next_target(search, done)) is not None:
        done.append(ran(target, ok=target <= capacity))
    return done


def test_a_step_passes_only_when_it_kept_up_within_50_ms_without_errors() -> None:
    assert Step(100, 100, 99.5, 50.0, 0).passed
    assert not Step(100, 100, 98, 10.0, 0).passed  # fell behind
    assert not Step(100, 100, 100, 50.1, 0).passed  # too slow
    assert not Step(100, 100, 100, 10.0, 1).passed  # an error
    assert not Step(100, 100, 100, None, 0).passed  # nothing measured
    assert not Step(100, 0, 0, 1.0, 0).passed  # nothing offered


def test_it_starts_at_start_and_doubles_while_steps_pass() -> None:
    assert next_target(SEARCH, []) == 100
    assert next_target(SEARCH, [ran(100, ok=True)]) == 200
    assert next_target(SEARCH, [ran(100, ok=True), ran(200, ok=True)]) == 400


def test_it_bisects_between_the_best_pass_and_the_lowest_failure_above_it() -> None:
    done = [ran(100, ok=True), ran(200, ok=True), ran(400, ok=False)]
    assert next_target(SEARCH, done) == 200 * 2**0.5


def test_it_halves_below_a_failing_start_and_gives_up_far_below_it() -> None:
    assert next_target(SEARCH, [ran(100, ok=False)]) == 50
    assert next_target(SEARCH, [ran(100, ok=False), ran(50, ok=False)]) == 25
    assert next_target(SEARCH, [ran(100, ok=False), ran(50, ok=False), ran(25, ok=False)]) is None


def test_it_stops_at_the_ceiling_after_the_step_budget_and_when_close_enough() -> None:
    at_ceiling = run_against(capacity=10_000)
    assert [step.target for step in at_ceiling] == [100, 200, 400, 800, 1000]
    assert len(run_against(capacity=300, search=Search(100, 1000, steps=3))) == 3
    close = [ran(100, ok=True), ran(110, ok=False)]
    assert next_target(SEARCH, close) is None


def test_the_maximum_is_the_highest_passing_step_and_brackets_the_capacity() -> None:
    done = run_against(capacity=300)
    best = maximum(done)
    assert best is not None and best.passed
    assert best.target <= 300
    failed_above = [step.target for step in done if not step.passed and step.target > 300]
    assert failed_above and min(failed_above) / best.target <= 1 + SEARCH.precision
    assert maximum([ran(100, ok=False)]) is None


def test_it_never_asks_for_less_than_the_floor() -> None:
    search = Search(start=100, ceiling=1000, steps=8, floor=60)
    assert next_target(search, [ran(100, ok=False)]) is None
