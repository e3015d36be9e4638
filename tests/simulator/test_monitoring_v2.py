"""csms-sim's monitoring (OCPP 2.x N02-N07) against a real WebSocket CSMS, in 2.0.1 and
2.1: monitors with the ids the station gives, the report in parts, clearing, base and
level, and the NotifyEvent a threshold raises when SetVariables moves a value across it."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.session_v21 import OCPP21
from simulator.session_v201 import OCPP201
from simulator.v2.session import Protocol
from tests.simulator.test_session_v201 import Staying, sim

__all__ = ["sim"]


@pytest.fixture(params=[OCPP201, OCPP21], ids=["2.0.1", "2.1"])
def protocol(request: pytest.FixtureRequest) -> Protocol:
    protocol: Protocol = request.param
    return protocol


def _monitor(component: str, variable: str, kind: str, value: float, **fields: Any) -> Any:
    return {
        "component": {"name": component},
        "variable": {"name": variable},
        "type": kind,
        "value": value,
        "severity": fields.pop("severity", 4),
        **fields,
    }


async def _set(sim: Staying, *monitors: dict[str, Any]) -> list[dict[str, Any]]:
    answer = await sim.call("SetVariableMonitoring", set_monitoring_data=list(monitors))
    results: list[dict[str, Any]] = answer.set_monitoring_result
    return results


async def _report(sim: Staying, request_id: int, **fields: Any) -> list[dict[str, Any]]:
    """Every monitor of the report's parts, each with its component and variable names."""
    answer = await sim.call("GetMonitoringReport", request_id=request_id, **fields)
    assert answer.status == "Accepted"
    found = []
    while True:
        part = await sim.inbox.expect("NotifyMonitoringReport", request_id=request_id)
        for item in part["monitor"]:
            for monitor in item["variable_monitoring"]:
                found.append(
                    {"at": f"{item['component']['name']}.{item['variable']['name']}", **monitor}
                )
        if not part.get("tbc"):
            return found


async def test_monitors_are_set_reported_and_cleared(sim: Staying, protocol: Protocol) -> None:
    results = await _set(
        sim,
        _monitor("TxCtrlr", "EVConnectionTimeOut", "UpperThreshold", 120),
        _monitor("OCPPCommCtrlr", "HeartbeatInterval", "Periodic", 60, severity=8),
        _monitor("NoSuchCtrlr", "X", "Delta", 1),
        _monitor("ChargingStation", "Model", "UpperThreshold", 1),
        _monitor("TxCtrlr", "EVConnectionTimeOut", "UpperThreshold", 120),
    )
    assert [(r["status"], r.get("id")) for r in results] == [
        ("Accepted", 10),
        ("Accepted", 11),
        ("UnknownComponent", None),
        ("Rejected", None),  # a threshold on text
        ("Duplicate", None),
    ]
    replaced = await _set(
        sim, _monitor("TxCtrlr", "EVConnectionTimeOut", "UpperThreshold", 90, id=10)
    )
    assert (replaced[0]["status"], replaced[0]["id"]) == ("Accepted", 10)
    hard_wired = await _set(sim, _monitor("OCPPCommCtrlr", "HeartbeatInterval", "Delta", 5, id=1))
    assert hard_wired[0]["status"] == "Rejected"

    monitors = await _report(sim, 5)
    assert [(m["id"], m["at"], m["type"], m["value"]) for m in monitors] == [
        (1, "OCPPCommCtrlr.HeartbeatInterval", "Delta", 1),
        (11, "OCPPCommCtrlr.HeartbeatInterval", "Periodic", 60),
        (2, "TxCtrlr.EVConnectionTimeOut", "UpperThreshold", 600),
        (10, "TxCtrlr.EVConnectionTimeOut", "UpperThreshold", 90),
    ]
    kinds = {m.get("event_notification_type") for m in monitors}
    assert kinds == (
        {"HardWiredMonitor", "PreconfiguredMonitor", "CustomMonitor"}
        if protocol is OCPP21
        else {None}
    )
    periodic = await _report(sim, 6, monitoring_criteria=["PeriodicMonitoring"])
    assert [m["id"] for m in periodic] == [11]

    cleared = await sim.call("ClearVariableMonitoring", id=[11, 1, 99])
    assert [(r["id"], r["status"]) for r in cleared.clear_monitoring_result] == [
        (11, "Accepted"),
        (1, "Rejected"),
        (99, "NotFound"),
    ]
    empty = await sim.call(
        "GetMonitoringReport", request_id=7, monitoring_criteria=["PeriodicMonitoring"]
    )
    assert empty.status == "EmptyResultSet"


async def test_a_report_of_many_monitors_comes_in_parts(sim: Staying) -> None:
    # One variable per MonitoringData: six variables make two parts of at most four.
    variables = [
        ("TxCtrlr", "EVConnectionTimeOut"),
        ("OCPPCommCtrlr", "ResetRetries"),
        ("OCPPCommCtrlr", "WebSocketPingInterval"),
        ("SampledDataCtrlr", "TxUpdatedInterval"),
    ]
    for component, variable in variables:
        await _set(sim, _monitor(component, variable, "Delta", 3))
    answer = await sim.call("GetMonitoringReport", request_id=8)
    assert answer.status == "Accepted"
    first = await sim.inbox.expect("NotifyMonitoringReport", request_id=8, seq_no=0)
    second = await sim.inbox.expect("NotifyMonitoringReport", request_id=8, seq_no=1)
    assert (first["tbc"], len(first["monitor"]), second.get("tbc", False)) == (True, 4, False)


async def test_a_crossed_threshold_raises_an_event_and_its_return_clears_it(
    sim: Staying, protocol: Protocol
) -> None:
    (result,) = await _set(sim, _monitor("TxCtrlr", "EVConnectionTimeOut", "UpperThreshold", 120))

    async def change(value: str) -> None:
        data = [
            {
                "component": {"name": "TxCtrlr"},
                "variable": {"name": "EVConnectionTimeOut"},
                "attribute_value": value,
            }
        ]
        answer = await sim.call("SetVariables", set_variable_data=data)
        assert answer.set_variable_result[0]["attribute_status"] == "Accepted"

    await change("300")
    raised = await sim.inbox.expect("NotifyEvent")
    (event,) = raised["event_data"]
    assert (event["variable_monitoring_id"], event["trigger"], event["actual_value"]) == (
        result["id"],
        "Alerting",
        "300",
    )
    assert (event["cleared"], event["event_notification_type"]) == (False, "CustomMonitor")
    assert event.get("severity") == (4 if protocol is OCPP21 else None)
    await change("60")
    (back,) = (await sim.inbox.expect("NotifyEvent"))["event_data"]
    assert (back["variable_monitoring_id"], back["cleared"]) == (result["id"], True)

    # Level 3 reports only severity 0-3: the severity 4 monitor stays quiet.
    assert (await sim.call("SetMonitoringLevel", severity=3)).status == "Accepted"
    assert (await sim.call("SetMonitoringLevel", severity=12)).status == "Rejected"
    await change("400")
    await change("50")
    await sim.call("SetMonitoringLevel", severity=9)
    await change("500")
    (again,) = (await sim.inbox.expect("NotifyEvent"))["event_data"]
    assert again["actual_value"] == "500"


async def test_monitoring_base_keeps_or_drops_monitors(sim: Staying) -> None:
    await _set(sim, _monitor("OCPPCommCtrlr", "ResetRetries", "Delta", 1))
    assert (await sim.call("SetMonitoringBase", monitoring_base="All")).status == "Accepted"
    assert [m["id"] for m in await _report(sim, 30)] == [1, 2, 10]
    await sim.call("SetMonitoringBase", monitoring_base="HardWiredOnly")
    assert [m["id"] for m in await _report(sim, 31)] == [1]
    await sim.call("SetMonitoringBase", monitoring_base="FactoryDefault")
    assert [m["id"] for m in await _report(sim, 32)] == [1, 2]
