"""Monitors, monitoring report parts and event filters: validation and matching."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.monitors import Monitor, MonitoringReportPart, MonitorQuery
from chargepoint_svc.domain.station_events import EventFilter, StationEvent
from chargepoint_svc.errors import InvalidReport

pytestmark = pytest.mark.unit

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
CP1 = ChargePointId("CP1")


def _monitor(monitor_id: int = 1, **fields: Any) -> Monitor:
    values: dict[str, Any] = {
        "component": "EVSE",
        "variable": "Power",
        "type": "UpperThreshold",
        "value": 11000.0,
        "severity": 5,
        "updated_at": T0,
        **fields,
    }
    return Monitor(CP1, monitor_id, **values)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"severity": 10}, "severity of monitor 1 must be 0 to 9, got 10"),
        ({"severity": -1}, "severity of monitor 1 must be 0 to 9"),
        ({"variable": ""}, "monitor 1 needs a component and a variable"),
        ({"type": ""}, "monitor 1 needs a type"),
        ({"value": float("nan")}, "value of monitor 1 must be a finite number"),
        ({"evse_id": -1}, "evse_id and connector_id of monitor 1 must be 0 or more"),
        ({"component": "C" * 51}, "component of monitor 1 is 51 characters long"),
    ],
)
def test_a_monitor_out_of_ocpp_ranges_is_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidReport, match=message):
        _monitor(**fields)


def test_severity_0_and_9_and_id_0_are_monitors() -> None:
    assert _monitor(0, severity=0).severity == 0
    assert _monitor(severity=9).severity == 9


def test_a_part_completes_without_tbc_and_keeps_one_monitor_per_id() -> None:
    first, again = _monitor(3, report_id=7), _monitor(3, report_id=7, severity=1)
    part = MonitoringReportPart(7, 0, False, (first, _monitor(4, report_id=7), again))
    assert part.completes
    assert [(m.id, m.severity) for m in part.distinct_monitors()] == [(3, 1), (4, 5)]
    assert not MonitoringReportPart(7, 0, True).completes


def test_a_part_refuses_negative_seq_no_and_foreign_monitors() -> None:
    with pytest.raises(InvalidReport, match="seq_no must be 0 or more"):
        MonitoringReportPart(7, -1, False)
    with pytest.raises(InvalidReport, match="belongs to its request_id"):
        MonitoringReportPart(7, 0, False, (_monitor(report_id=8),))


def test_a_query_matches_by_station_component_variable_and_position() -> None:
    monitor = _monitor(5)
    assert MonitorQuery(CP1, 10).matches(monitor)
    assert MonitorQuery(CP1, 10, component="EVSE", variable="Power", after_id=4).matches(monitor)
    assert not MonitorQuery(CP1, 10, after_id=5).matches(monitor)
    assert not MonitorQuery(CP1, 10, variable="Voltage").matches(monitor)
    assert not MonitorQuery(ChargePointId("CP2"), 10).matches(monitor)


def _event(**fields: Any) -> StationEvent:
    values: dict[str, Any] = {
        "event_id": 1,
        "timestamp": T0,
        "trigger": "Alerting",
        "component": "EVSE",
        "variable": "Power",
        "received_at": T0,
        **fields,
    }
    return StationEvent(CP1, **values)


def test_an_event_filter_matches_each_field() -> None:
    event = _event(severity=3, variable_monitoring_id=7, cleared=True)
    assert EventFilter().matches(event)
    assert EventFilter(trigger="Alerting", component="EVSE", variable="Power").matches(event)
    assert EventFilter(max_severity=3, cleared=True, variable_monitoring_id=7).matches(event)
    assert not EventFilter(max_severity=2).matches(event)
    assert not EventFilter(max_severity=9).matches(dataclasses.replace(event, severity=None))
    assert not EventFilter(cleared=False).matches(event)
    assert not EventFilter(variable_monitoring_id=0).matches(event)
    assert EventFilter(since=T0, until=T0 + timedelta(seconds=1)).matches(event)
    assert not EventFilter(since=T0 + timedelta(seconds=1)).matches(event)
    assert not EventFilter(until=T0).matches(event)


def test_an_event_filter_refuses_what_cannot_match() -> None:
    with pytest.raises(InvalidReport, match="max_severity must be 0 to 9"):
        EventFilter(max_severity=10)
    with pytest.raises(InvalidReport, match="to_time must be after from_time"):
        EventFilter(since=T0, until=T0)


def test_an_event_with_a_severity_out_of_range_is_refused() -> None:
    with pytest.raises(InvalidReport, match="severity of event 1 must be 0 to 9"):
        _event(severity=12)
