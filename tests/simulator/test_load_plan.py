"""The load run's plan (mix, source addresses, members), its schedule and its figures:
pure functions, no sockets."""

from __future__ import annotations

from array import array
from collections import Counter

import pytest

from simulator.load.plan import (
    Plan,
    PlanError,
    check,
    members,
    parse_mix,
    parse_sources,
    shares,
)
from simulator.load.recorder import Percentiles, Recorder, Window
from simulator.load.station import Schedule

pytestmark = pytest.mark.unit


def test_mix_reads_weights_and_single_versions() -> None:
    assert parse_mix("1.6=70,2.0.1=20,2.1=10") == {"1.6": 70, "2.0.1": 20, "2.1": 10}
    assert parse_mix("2.0.1") == {"2.0.1": 1}
    assert parse_mix("1.6=1, 2.1=0") == {"1.6": 1}


@pytest.mark.parametrize(
    ("text", "says"),
    [("1.5=10", "not one of"), ("1.6=x", "integer"), ("1.6=0", "positive"), ("", "positive")],
)
def test_mix_refuses_what_cannot_run(text: str, says: str) -> None:
    with pytest.raises(PlanError, match=says):
        parse_mix(text)


def test_shares_keep_the_proportions_along_the_whole_fleet() -> None:
    versions = shares({"1.6": 70, "2.0.1": 20, "2.1": 10}, 1000)
    assert Counter(versions) == {"1.6": 700, "2.0.1": 200, "2.1": 100}
    # Every tenth of the ramp has the same mix, so the first stations are not all 1.6.
    assert Counter(versions[:10]) == {"1.6": 7, "2.0.1": 2, "2.1": 1}


def test_source_addresses_as_range_list_or_count() -> None:
    assert parse_sources("127.0.0.1-127.0.0.3") == ("127.0.0.1", "127.0.0.2", "127.0.0.3")
    assert parse_sources("127.0.0.5,127.0.0.9") == ("127.0.0.5", "127.0.0.9")
    assert parse_sources("2") == ("127.0.0.1", "127.0.0.2")
    with pytest.raises(PlanError):
        parse_sources("127.0.0.9-127.0.0.1")
    with pytest.raises(PlanError):
        parse_sources("127.0.0.300")


def test_members_get_ids_tags_and_source_addresses_in_turn() -> None:
    plan = Plan(
        url="ws://x/ocpp",
        count=3,
        mix={"1.6": 2, "2.0.1": 1},
        prefix="CP",
        id_tag="T-{id}",
        source_addresses=("127.0.0.1", "127.0.0.2"),
    )
    fleet = members(plan)
    assert [m.charge_point_id for m in fleet] == ["CP-00001", "CP-00002", "CP-00003"]
    assert [m.id_tag for m in fleet] == ["T-CP-00001", "T-CP-00002", "T-CP-00003"]
    assert [m.source_address for m in fleet] == ["127.0.0.1", "127.0.0.2", "127.0.0.1"]
    assert sorted(m.version for m in fleet) == ["1.6", "1.6", "2.0.1"]


def test_a_fleet_larger_than_one_address_ports_needs_more_addresses() -> None:
    with pytest.raises(PlanError, match="--source-addresses"):
        check(Plan(url="ws://x/ocpp", count=40_000))
    check(Plan(url="ws://x/ocpp", count=40_000, source_addresses=("127.0.0.1", "127.0.0.2")))


def test_schedule_counts_the_moments_a_late_station_missed() -> None:
    schedule = Schedule(start=100.0, period=10.0)
    assert schedule.next == 110.0
    assert schedule.advance(110.5) == 1  # on time
    assert schedule.next == 120.0
    assert schedule.advance(145.0) == 3  # 120, 130 and 140 were due
    assert schedule.next == 150.0


def test_percentiles_are_nearest_rank_in_milliseconds() -> None:
    samples = array("d", [i / 1000 for i in range(1, 101)])  # 1 ms .. 100 ms
    figures = Percentiles.of(samples)
    assert (figures.count, figures.p50, figures.p95, figures.p99, figures.max) == pytest.approx(
        (100, 50.0, 95.0, 99.0, 100.0)
    )


def test_rates_and_steady_latencies_count_inside_the_window_only() -> None:
    recorder = Recorder(window=Window(10.0, 20.0))
    recorder.offered(9.0)
    recorder.offered(10.0, count=3)
    recorder.answer("Heartbeat", sent_at=9.5, answered_at=10.5)  # sent during the ramp
    recorder.answer("Heartbeat", sent_at=12.0, answered_at=12.01)
    recorder.answer("MeterValues", sent_at=19.99, answered_at=20.5)  # answered after it
    assert recorder.offered_in_window == 3
    assert recorder.answered == 3
    assert recorder.answered_in_window == 2
    assert set(recorder.percentiles()) == {"Heartbeat", "MeterValues"}
    steady = recorder.percentiles(steady=True)
    assert steady["Heartbeat"].count == 1
    assert steady["MeterValues"].count == 1
