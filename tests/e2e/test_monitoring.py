"""Monitoring as an operator drives it, through REST via Envoy against `csms-sim --stay`
in OCPP 2.0.1 and 2.1: set monitors -> the station's monitoring report -> GET monitors
shows them -> a crossed threshold is a stored NotifyEvent linked to its monitor -> clear ->
gone; level and base; and the bad requests answered 400 naming the field."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from csms.edge.v1 import monitoring_pb2, operations_pb2
from csms_client import CsmsClient
from csms_client.monitoring import MonitoredVariable, MonitorSetting
from tests.support.system import System
from tests.support.waiting import eventually

pytestmark = [pytest.mark.e2e]


@pytest.fixture(scope="module", params=["2.0.1", "2.1"])
def station(request: pytest.FixtureRequest, system: System) -> Iterator[str]:
    version: str = request.param
    name = f"MON-{version.replace('.', '')}"
    sim_log = system.output.parent / f"{name}.log"
    with sim_log.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "simulator.cli",
                name,
                version,
                system.ocpp_url,
                "--stay",
                "--interval",
                "0.2",
                "--meter-values",
                "1",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        eventually(
            lambda: "staying connected" in sim_log.read_text(), within=60, what=f"{name} to settle"
        )
        yield name
        process.terminate()
        process.wait(10)


def _url(system: System, station: str, path: str) -> str:
    return f"{system.api_gateway}/api/v1/charge-points/{station}/{path}"


def _monitors(system: System, station: str, **params: Any) -> list[dict[str, Any]]:
    reply = httpx.get(_url(system, station, "monitors"), params=params, timeout=20)
    assert reply.status_code == 200, reply.text
    return list(reply.json().get("monitors", []))


def _ids(system: System, station: str, **params: Any) -> list[int]:
    return [monitor.get("id", 0) for monitor in _monitors(system, station, **params)]


THRESHOLD = {
    "variable": {"component": "TxCtrlr", "variable": "EVConnectionTimeOut"},
    "type": "UPPER_THRESHOLD",
    "value": 120,
    "severity": 2,
}


def test_set_report_event_and_clear(system: System, station: str) -> None:
    reply = httpx.post(
        _url(system, station, "monitors"),
        json={
            "monitors": [
                THRESHOLD,
                {**THRESHOLD, "variable": {"component": "Nope", "variable": "X"}},
            ]
        },
        timeout=40,
    )
    assert reply.status_code == 200, reply.text
    accepted, unknown = reply.json()["results"]
    assert (accepted["status"], unknown["status"]) == ("ACCEPTED", "UNKNOWN_COMPONENT")
    monitor_id = accepted["id"]
    assert monitor_id in _ids(system, station)

    # The station's own report replaces what is kept: its hard-wired and preconfigured
    # monitors appear next to the one just set.
    reply = httpx.post(_url(system, station, "monitoring-report"), json={}, timeout=40)
    assert reply.status_code == 200, reply.text
    assert reply.json()["status"] == "ACCEPTED"
    eventually(lambda: _ids(system, station) == [1, 2, monitor_id], within=20, what="the report")
    kept = _monitors(system, station, variable="EVConnectionTimeOut")
    assert [(m.get("id"), m["type"], m["value"], m["severity"]) for m in kept] == [
        (2, "UpperThreshold", 600, 6),
        (monitor_id, "UpperThreshold", 120, 2),
    ]

    # Raising the value above 120 makes the station raise an event, stored and linked.
    reply = httpx.put(
        _url(system, station, "configuration/TxCtrlr.EVConnectionTimeOut"),
        json={"value": "300"},
        timeout=40,
    )
    assert reply.json()["status"] == "ACCEPTED", reply.text

    def linked() -> list[dict[str, Any]]:
        params = {"variableMonitoringId": monitor_id, "maxSeverity": 3, "trigger": "Alerting"}
        found = httpx.get(_url(system, station, "events"), params=params, timeout=20)
        return list(found.json().get("events", []))

    eventually(lambda: len(linked()) == 1, within=20, what="the NotifyEvent")
    (event,) = linked()
    assert (event["actualValue"], event["severity"], event["component"]) == ("300", 2, "TxCtrlr")

    def cleared() -> list[dict[str, Any]]:
        params = {"cleared": "true", "variableMonitoringId": monitor_id}
        return list(httpx.get(_url(system, station, "events"), params=params).json()["events"])

    assert cleared() == []
    reply = httpx.put(
        _url(system, station, "configuration/TxCtrlr.EVConnectionTimeOut"),
        json={"value": "60"},
        timeout=40,
    )
    assert reply.json()["status"] == "ACCEPTED", reply.text
    eventually(lambda: len(cleared()) == 1, within=20, what="the cleared NotifyEvent")

    reply = httpx.delete(
        _url(system, station, "monitors"), params={"ids": [monitor_id, 1]}, timeout=40
    )
    assert reply.status_code == 200, reply.text
    assert [(r.get("id"), r["status"]) for r in reply.json()["results"]] == [
        (monitor_id, "ACCEPTED"),
        (1, "REJECTED"),
    ]
    assert _ids(system, station) == [1, 2]


def test_level_and_base(system: System, station: str) -> None:
    reply = httpx.post(_url(system, station, "monitoring-level"), json={"severity": 5}, timeout=40)
    assert reply.json()["status"] == "ACCEPTED", reply.text
    reply = httpx.post(
        _url(system, station, "monitoring-base"), json={"base": "HARD_WIRED_ONLY"}, timeout=40
    )
    assert reply.json()["status"] == "ACCEPTED", reply.text
    httpx.post(_url(system, station, "monitoring-report"), json={}, timeout=40)
    eventually(lambda: _ids(system, station) == [1], within=20, what="the hard-wired report")
    httpx.post(_url(system, station, "monitoring-base"), json={"base": "ALL"}, timeout=40)


@pytest.mark.parametrize(
    ("path", "body", "named"),
    [
        ("monitors", {"monitors": [{**THRESHOLD, "severity": 12}]}, "monitors[0].severity"),
        (
            "monitors",
            {"monitors": [{k: v for k, v in THRESHOLD.items() if k != "type"}]},
            "monitors[0].type",
        ),
        ("monitors", {}, "monitors"),
        ("monitoring-level", {}, "severity"),
        ("monitoring-base", {"base": "SOMETIMES"}, "base"),
        ("monitoring-report", {"criteria": ["CRITERION_UNSPECIFIED"]}, "criteria[0]"),
    ],
)
def test_bad_requests_are_400_naming_the_field(
    system: System, station: str, path: str, body: dict[str, Any], named: str
) -> None:
    reply = httpx.post(_url(system, station, path), json=body, timeout=40)
    assert reply.status_code == 400, reply.text
    assert named in reply.text


def test_bad_queries_are_400(system: System, station: str) -> None:
    reply = httpx.delete(_url(system, station, "monitors"), timeout=40)
    assert reply.status_code == 400 and "ids" in reply.text, reply.text
    reply = httpx.get(_url(system, station, "events"), params={"maxSeverity": 10}, timeout=20)
    assert reply.status_code == 400 and "max_severity" in reply.text, reply.text
    reply = httpx.get(_url(system, "NO-SUCH", "monitors"), timeout=20)
    assert reply.status_code == 404, reply.text


def test_more_monitors_than_the_station_takes_are_refused(system: System, station: str) -> None:
    """csms-sim reports MonitoringCtrlr.ItemsPerMessage[SetVariableMonitoring]=8 in its
    device model: nine monitors are a 400 naming it, and nothing is sent."""
    reply = httpx.post(_url(system, station, "report"), json={}, timeout=40)
    assert reply.status_code == 200, reply.text

    def limit_known() -> bool:
        model = httpx.get(_url(system, station, "device-model"), timeout=20).json()
        return any(v["component"] == "MonitoringCtrlr" for v in model.get("variables", []))

    eventually(limit_known, within=20, what="the device model with MonitoringCtrlr")
    before = _ids(system, station)
    monitors = [{**THRESHOLD, "value": 100 + i} for i in range(9)]
    reply = httpx.post(_url(system, station, "monitors"), json={"monitors": monitors}, timeout=40)
    assert reply.status_code == 400, reply.text
    assert "MonitoringCtrlr.ItemsPerMessage[SetVariableMonitoring]=8" in reply.text
    assert _ids(system, station) == before


async def test_the_python_client_sets_lists_and_clears(system: System, station: str) -> None:
    def address(variable: str) -> str:
        return f"127.0.0.1:{system.port(variable)}"

    async with CsmsClient(
        edge=address("CSMS_EDGE_GRPC_PORT"), chargepoint=address("CSMS_CHARGEPOINT_GRPC_PORT")
    ) as csms:
        setting = MonitorSetting(
            variable=MonitoredVariable(component="OCPPCommCtrlr", variable="ResetRetries"),
            type=monitoring_pb2.DELTA,
            value=1,
            severity=7,
        )
        answer = await csms.monitoring.set_monitors(station, [setting])
        (result,) = answer.results
        assert result.status == monitoring_pb2.MonitorSettingResult.ACCEPTED
        kept = await csms.monitoring.monitors(station, variable="ResetRetries")
        assert [(m.id, m.type, m.severity) for m in kept.monitors] == [(result.id, "Delta", 7)]
        level = await csms.monitoring.set_level(station, 9)
        assert level.status == operations_pb2.OperationStatus.ACCEPTED
        cleared = await csms.monitoring.clear_monitors(station, [result.id])
        assert cleared.results[0].status == monitoring_pb2.ClearMonitorResult.ACCEPTED
        assert (await csms.monitoring.monitors(station, variable="ResetRetries")).monitors == []
        events = await csms.monitoring.events(station, trigger="Periodic")
        assert list(events.events) == []
