"""edge.rate_limit: the token buckets of one connection, on a clock the test moves."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edge.rate_limit import MessageLimit, Verdict
from tests.edge.support.clock import Clock

pytestmark = pytest.mark.unit


def verdicts(limit: MessageLimit, clock: Clock, count: int) -> list[Verdict]:
    bucket = limit.start(clock)
    return [bucket.admit() for _ in range(count)]


def test_a_burst_is_accepted_then_refused_then_closed() -> None:
    got = verdicts(MessageLimit(rate=2, burst=3), Clock(), 8)
    assert got == [Verdict.ACCEPT] * 3 + [Verdict.REFUSE] * 3 + [Verdict.CLOSE] * 2


def test_tokens_come_back_at_the_rate() -> None:
    clock = Clock()
    bucket = MessageLimit(rate=2, burst=3).start(clock)
    assert [bucket.admit() for _ in range(4)][-1] is Verdict.REFUSE
    assert "send it again in 0.5 s" in bucket.refusal()
    clock.now += 0.5
    assert bucket.admit() is Verdict.ACCEPT
    clock.now += 100
    assert [bucket.admit() for _ in range(4)] == [Verdict.ACCEPT] * 3 + [Verdict.REFUSE]


def test_a_station_at_the_rate_is_never_refused() -> None:
    clock = Clock()
    bucket = MessageLimit(rate=20, burst=1).start(clock)
    for _ in range(1000):
        assert bucket.admit() is Verdict.ACCEPT
        clock.now += 1 / 20


def test_up_to_twice_the_rate_is_refused_but_never_closed() -> None:
    clock = Clock()
    bucket = MessageLimit(rate=10, burst=5).start(clock)
    seen = set()
    for _ in range(2000):
        seen.add(bucket.admit())
        clock.now += 1 / 20
    assert seen == {Verdict.ACCEPT, Verdict.REFUSE}


def test_the_texts_name_the_limit() -> None:
    bucket = MessageLimit(rate=0.5, burst=7).start(Clock())
    assert "at most 0.5 messages/s per charge point, 7 at once" in bucket.refusal()
    assert bucket.refusal().startswith("rate limit: ")
    assert len(bucket.close_reason().encode()) <= 123  # RFC 6455 §5.5.1


@given(
    rate=st.floats(min_value=0.1, max_value=1000),
    burst=st.integers(min_value=1, max_value=500),
    gaps=st.lists(st.floats(min_value=0, max_value=5), max_size=200),
)
def test_never_more_than_the_burst_plus_the_refill(
    rate: float, burst: int, gaps: list[float]
) -> None:
    clock = Clock()
    bucket = MessageLimit(rate, burst).start(clock)
    accepted = 0
    for gap in gaps:
        clock.now += gap
        accepted += bucket.admit() is Verdict.ACCEPT
    assert accepted <= burst + rate * sum(gaps) + 1e-6
