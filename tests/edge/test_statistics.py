"""edge.statistics: the collector's arithmetic, without sockets."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edge.statistics import TrafficStatistics, percentile
from servicekit.clock import FixedClock

pytestmark = pytest.mark.unit


START = datetime(2024, 5, 1, 12, tzinfo=UTC)


def test_nothing_happened() -> None:
    figures = TrafficStatistics(FixedClock(START)).figures()
    assert figures.since == START
    assert figures.error_rate == 0.0
    assert figures.actions == ()


def test_counts_errors_and_rate() -> None:
    stats = TrafficStatistics(FixedClock(START))
    stats.call_received("Heartbeat", 0.002, None)
    stats.call_received("Heartbeat", 0.004, None)
    stats.call_received("Authorize", 0.010, "ProtocolError")
    stats.unreadable_call_answered("FormationViolation")
    stats.call_sent("Reset", 0.050, call_error=False)
    stats.call_sent("Reset", None, call_error=False)
    figures = stats.figures()
    assert figures.calls_received == 4
    assert dict(figures.call_errors_by_code) == {"ProtocolError": 1, "FormationViolation": 1}
    assert figures.error_rate == 0.5
    by_key = {(a.direction, a.action): a for a in figures.actions}
    heartbeat = by_key[("received", "Heartbeat")]
    assert (heartbeat.count, heartbeat.errors) == (2, 0)
    assert (heartbeat.p50_ms, heartbeat.max_ms) == pytest.approx((2.0, 4.0))
    reset = by_key[("sent", "Reset")]
    # An unanswered call counts, but has no answer time.
    assert (reset.count, reset.errors) == (2, 0)
    assert reset.max_ms == pytest.approx(50.0)


def test_the_window_keeps_only_recent_samples() -> None:
    stats = TrafficStatistics(FixedClock(START), window=3)
    for seconds in (9.0, 0.001, 0.002, 0.003):
        stats.call_sent("Reset", seconds, call_error=False)
    (reset,) = stats.figures().actions
    assert reset.count == 4
    assert reset.max_ms == pytest.approx(3.0)


def test_percentile_is_nearest_rank() -> None:
    samples = [float(n) for n in range(1, 101)]
    assert [percentile(samples, f) for f in (0.5, 0.95, 0.99, 1.0)] == [50, 95, 99, 100]
    assert percentile([], 0.5) == 0.0
    assert percentile([7.0], 0.01) == 7.0


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=200))
def test_percentiles_are_samples_in_order(samples: list[float]) -> None:
    ordered = sorted(samples)
    values = [percentile(ordered, f) for f in (0.5, 0.95, 0.99)]
    assert values == sorted(values)
    assert all(v in samples for v in values)
