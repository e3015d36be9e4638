"""Reported variables, report parts and station events: validation and identity."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.device_model import ReportedVariable, ReportPart, merge_values
from chargepoint_svc.domain.station_events import SecurityEvent, StationEvent
from chargepoint_svc.errors import InvalidReport

pytestmark = pytest.mark.unit


T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
CP1 = ChargePointId("CP1")


def test_a_variable_is_identified_by_component_evse_connector_variable_attribute() -> None:
    variable = ReportedVariable("EVSE", "Power", evse_id=1, connector_id=2, value="22000")
    assert variable.key == ("EVSE", "", 1, 2, "Power", "", "Actual")
    target = ReportedVariable("EVSE", "Power", evse_id=1, connector_id=2, attribute_type="Target")
    assert target.key != variable.key


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"component": "", "variable": "X"}, "component is required"),
        ({"component": "C", "variable": ""}, "variable is required"),
        ({"component": "C", "variable": "V", "attribute_type": ""}, "attribute_type"),
        ({"component": "C", "variable": "V", "evse_id": -1}, "0 or more"),
        ({"component": "C", "variable": "V", "connector_id": 1}, "without an EVSE"),
        ({"component": "C" * 51, "variable": "V"}, "component of .* at most 50"),
        ({"component": "C", "variable": "V", "value": "x" * 2501}, "value of C.V .* 2500"),
    ],
)
def test_invalid_variables_say_what_is_wrong(fields: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidReport, match=message):
        ReportedVariable(**fields)  # type: ignore[arg-type]


def test_a_part_is_complete_when_no_more_follow_and_keeps_the_last_of_duplicates() -> None:
    first = ReportedVariable("Clock", "TimeSource", value="NTP")
    second = ReportedVariable("Clock", "TimeSource", value="GPS")
    part = ReportPart(request_id=7, seq_no=2, tbc=False, variables=(first, second))
    assert part.completes
    assert part.distinct_variables() == (second,)
    assert not ReportPart(request_id=7, seq_no=0, tbc=True).completes
    with pytest.raises(InvalidReport, match="seq_no must be 0 or more"):
        ReportPart(request_id=7, seq_no=-1, tbc=False)


def test_security_events_need_a_type() -> None:
    with pytest.raises(InvalidReport, match="type is required"):
        SecurityEvent(CP1, "", T0, T0)
    with pytest.raises(InvalidReport, match=r"tech_info .* at most 500"):
        SecurityEvent(CP1, "FirmwareUpdated", T0, T0, tech_info="x" * 501)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"event_id": -1}, "event_id must be 0 or more"),
        ({"trigger": ""}, "trigger is required in event 1"),
        ({"component": ""}, "component is required"),
        ({"variable": ""}, "variable is required"),
        ({"evse_id": -2}, "evse_id and cause"),
        ({"transaction_id": "x" * 37}, "transaction_id of the event 1 .* at most 36"),
    ],
)
def test_station_events_are_validated(fields: dict[str, object], message: str) -> None:
    values: dict[str, object] = {
        "event_id": 1,
        "trigger": "Alerting",
        "component": "Connector",
        "variable": "Problem",
        **fields,
    }
    with pytest.raises(InvalidReport, match=message):
        StationEvent(charge_point_id=CP1, timestamp=T0, received_at=T0, **values)  # type: ignore[arg-type]


def test_an_answered_value_keeps_what_the_station_reported_about_the_variable() -> None:
    stored = ReportedVariable(
        "OCPPCommCtrlr", "HeartbeatInterval", value="300", mutability="ReadWrite"
    )
    other = ReportedVariable("AuthCtrlr", "Enabled", value="true")
    answered = [
        ReportedVariable("OCPPCommCtrlr", "HeartbeatInterval", value="60"),
        ReportedVariable("EVSE", "Power", evse_id=1, value="7000"),
        ReportedVariable("OCPPCommCtrlr", "HeartbeatInterval", value="90"),
    ]
    merged = merge_values([stored, other], answered)
    assert merged == (
        ReportedVariable("OCPPCommCtrlr", "HeartbeatInterval", value="90", mutability="ReadWrite"),
        ReportedVariable("EVSE", "Power", evse_id=1, value="7000"),
    )
