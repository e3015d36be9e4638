"""TriggerMessage for every MessageTrigger value, as an operator sends it: REST through
Envoy -> edge -> `csms-sim --stay` in OCPP 2.0.1 and 2.1, which answers and then sends the
message asked for; the message journal shows it arrived (OCPP 2.0.1 F06)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.support.system import System
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

STATIONS = {"2.0.1": "TRG-201", "2.1": "TRG-21"}

Check = Callable[[dict[str, Any]], bool]


def _any(_payload: dict[str, Any]) -> bool:
    return True


def _certificate(kind: str | None) -> Check:
    return lambda payload: payload.get("certificateType") == kind


# requestedMessage -> (extra request fields, the station's status, the message it sends
# then and what that message says). BootNotification: F06.FR.17, the station is Accepted.
TRIGGERS_201: dict[str, tuple[dict[str, Any], str, str | None, Check]] = {
    "BOOT_NOTIFICATION": ({}, "REJECTED", None, _any),
    "LOG_STATUS_NOTIFICATION": ({}, "ACCEPTED", "LogStatusNotification", _any),
    "DIAGNOSTICS_STATUS_NOTIFICATION": ({}, "ACCEPTED", "LogStatusNotification", _any),
    "FIRMWARE_STATUS_NOTIFICATION": ({}, "ACCEPTED", "FirmwareStatusNotification", _any),
    "HEARTBEAT": ({}, "ACCEPTED", "Heartbeat", _any),
    "METER_VALUES": (
        {"evseId": 2},
        "ACCEPTED",
        "MeterValues",
        lambda p: (
            p["evseId"] == 2 and p["meterValue"][0]["sampledValue"][0]["context"] == "Trigger"
        ),
    ),
    "SIGN_CHARGE_POINT_CERTIFICATE": (
        {},
        "ACCEPTED",
        "SignCertificate",
        _certificate("ChargingStationCertificate"),
    ),
    "SIGN_V2G_CERTIFICATE": ({}, "ACCEPTED", "SignCertificate", _certificate("V2GCertificate")),
    "STATUS_NOTIFICATION": (
        {"evseId": 2, "connectorId": 1},
        "ACCEPTED",
        "StatusNotification",
        lambda p: (p["evseId"], p["connectorId"]) == (2, 1),
    ),
    "TRANSACTION_EVENT": (
        {"evseId": 1},
        "ACCEPTED",
        "TransactionEvent",
        lambda p: p["triggerReason"] == "Trigger" and p["evse"]["id"] == 1,
    ),
    "SIGN_COMBINED_CERTIFICATE": ({}, "ACCEPTED", "SignCertificate", _certificate(None)),
    "PUBLISH_FIRMWARE_STATUS_NOTIFICATION": (
        {},
        "ACCEPTED",
        "PublishFirmwareStatusNotification",
        lambda p: p["status"] == "Idle",
    ),
}

TRIGGERS_21_ONLY: dict[str, tuple[dict[str, Any], str, str | None, Check]] = {
    "SIGN_V2G20_CERTIFICATE": (
        {},
        "ACCEPTED",
        "SignCertificate",
        _certificate("V2G20Certificate"),
    ),
    "CUSTOM_TRIGGER": (
        {"customTrigger": "DataTransfer"},
        "ACCEPTED",
        "DataTransfer",
        lambda p: (p["vendorId"], p.get("messageId")) == ("csms-sim", "Triggered"),
    ),
}


@pytest.fixture(scope="module")
def stations(system: System) -> Iterator[dict[str, str]]:
    processes = []
    logs = []
    for version, station in STATIONS.items():
        # Each station its own id tag: one tag in two transactions at once is ConcurrentTx.
        created = httpx.post(f"{system.api_gateway}/api/v1/id-tags", json={"idTag": _tag(station)})
        assert created.status_code == 200, created.text
        path = system.output.parent / f"sim-{station}.log"
        log = path.open("wb")
        logs.append((path, log))
        processes.append(
            subprocess.Popen(
                [
                    *(sys.executable, "-m", "simulator.cli", station, version, system.ocpp_url),
                    *("--stay", "--interval", "0.2", "--meter-values", "1", "--connectors", "2"),
                    *("--id-tag", _tag(station)),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )

    def settled() -> bool:
        return all("staying connected" in path.read_text() for path, _log in logs)

    eventually(settled, within=60, what="both stations to settle")
    yield STATIONS
    for process in processes:
        process.terminate()
        process.wait(10)
    for _path, log in logs:
        log.close()


def _tag(station: str) -> str:
    return f"TAG-{station}"


def _received(system: System, station: str, action: str) -> dict[str, dict[str, Any]]:
    """The CALLs of ``action`` the station sent, by message id: their payloads."""
    reply = httpx.get(
        f"{system.api_gateway}/api/v1/charge-points/{station}/messages",
        params={"actions": action, "pageSize": 200},
    )
    assert reply.status_code == 200, reply.text
    calls = {}
    for entry in reply.json().get("messages", []):
        if entry["direction"] == "IN" and entry["messageType"] == "CALL":
            calls[entry["messageId"]] = json.loads(entry["payload"])[3]
    return calls


def _post(system: System, station: str, path: str, body: dict[str, Any]) -> httpx.Response:
    url = f"{system.api_gateway}/api/v1/charge-points/{station}/{path}"
    return httpx.post(url, json=body, timeout=40)


def _active(system: System, station: str) -> list[dict[str, Any]]:
    reply = httpx.get(
        f"{system.api}/transactions", params={"chargePointId": station, "status": "ACTIVE"}
    )
    return list(reply.json()["transactions"])


def _trigger_and_see(
    system: System,
    station: str,
    requested: str,
    case: tuple[dict[str, Any], str, str | None, Check],
) -> None:
    fields, status, action, check = case
    before = set(_received(system, station, action)) if action else set()
    reply = _post(system, station, "trigger", {"requestedMessage": requested, **fields})
    assert reply.status_code == 200, reply.text
    assert reply.json()["status"] == status, reply.text
    if action is None:
        return

    def arrived() -> list[dict[str, Any]]:
        new = _received(system, station, action)
        return [p for mid, p in new.items() if mid not in before and check(p)]

    eventually(arrived, within=30, what=f"the triggered {action} of {station}")


@pytest.mark.parametrize("requested", list(TRIGGERS_201))
@pytest.mark.parametrize("version", ["2.0.1", "2.1"])
def test_every_2_0_1_trigger_sends_its_message(
    system: System, stations: dict[str, str], version: str, requested: str
) -> None:
    station = stations[version]
    transaction = None
    if requested == "TRANSACTION_EVENT":
        started = _post(system, station, "remote-start", {"idTag": _tag(station), "evseId": 1})
        assert started.json()["status"] == "ACCEPTED", started.text
        (transaction,) = eventually(lambda: _active(system, station), within=60)
    try:
        _trigger_and_see(system, station, requested, TRIGGERS_201[requested])
    finally:
        if transaction is not None:
            stop = _post(system, station, "remote-stop", {"transactionId": transaction["id"]})
            assert stop.status_code == 200, stop.text
            eventually(lambda: not _active(system, station), within=60)


@pytest.mark.parametrize("requested", list(TRIGGERS_21_ONLY))
def test_the_2_1_only_triggers(system: System, stations: dict[str, str], requested: str) -> None:
    _trigger_and_see(system, stations["2.1"], requested, TRIGGERS_21_ONLY[requested])
    # OCPP 2.0.1 lacks the value: refused before anything is sent.
    refused = _post(
        system,
        stations["2.0.1"],
        "trigger",
        {"requestedMessage": requested, **TRIGGERS_21_ONLY[requested][0]},
    )
    assert refused.status_code == 400, refused.text
    assert f"requested_message {requested} is not in OCPP 2.0.1" in refused.text


def test_a_station_refuses_what_it_cannot_honour(system: System, stations: dict[str, str]) -> None:
    station = stations["2.0.1"]
    no_connector = _post(
        system,
        station,
        "trigger",
        {"requestedMessage": "STATUS_NOTIFICATION", "evseId": 1, "connectorId": 3},
    )
    assert no_connector.json()["status"] == "REJECTED", no_connector.text
    nothing_to_report = _post(system, station, "trigger", {"requestedMessage": "TRANSACTION_EVENT"})
    assert nothing_to_report.json()["status"] == "REJECTED", nothing_to_report.text
    unknown_custom = _post(
        system,
        stations["2.1"],
        "trigger",
        {"requestedMessage": "CUSTOM_TRIGGER", "customTrigger": "Nope"},
    )
    assert unknown_custom.json()["status"] == "NOT_IMPLEMENTED", unknown_custom.text
    bad = _post(system, station, "trigger", {"requestedMessage": "METER_VALUES", "connectorId": 1})
    assert bad.status_code == 400, bad.text
    assert "connector_id needs evse_id" in bad.text
