"""Every CSMS-initiated operation, as an operator drives it: REST through Envoy (port 3000,
and 4000 for the gateway paths) -> gRPC -> edge -> `csms-sim --stay` -> and back, checking
the station's answer and the effect it reports afterwards. On both topologies
(tests/e2e/conftest.py): with three edge replicas most calls reach one that forwards them."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.support.replicas import calls_served, replica_holding
from tests.support.system import System
from tests.support.waiting import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.topologies]

STATION = "OPS-1"


@pytest.fixture(scope="module")
def station(system: System) -> Iterator[subprocess.Popen[bytes]]:
    log = (system.output.parent / "sim.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulator.cli",
            STATION,
            "1.6",
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
    sim_log = system.output.parent / "sim.log"
    # After its opening charging session the station stays, idle, answering operations.
    eventually(
        lambda: "staying connected" in sim_log.read_text(), within=60, what=f"{STATION} to settle"
    )
    yield process
    process.terminate()
    process.wait(10)
    log.close()


def _connected(system: System) -> bool:
    reply = httpx.get(f"{system.gateway}/connections")
    return STATION in [c["chargePointId"] for c in reply.json()["connections"]]


def _op(system: System, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(
        method, f"{system.api_gateway}/api/v1/charge-points/{STATION}/{path}", timeout=40, **kwargs
    )


def _station(system: System) -> dict[str, Any]:
    return dict(httpx.get(f"{system.api}/charge-points/{STATION}").json())


def _transactions(system: System, status: str) -> list[dict[str, Any]]:
    reply = httpx.get(
        f"{system.api}/transactions", params={"chargePointId": STATION, "status": status}
    )
    return list(reply.json()["transactions"])


def test_remote_start_then_remote_stop(system: System, station: Any) -> None:
    reply = _op(system, "POST", "remote-start", json={"idTag": "DEMO-TAG-001", "evseId": 1})
    assert reply.status_code == 200, reply.text
    assert reply.json()["status"] == "ACCEPTED"
    # Bounds for a broken system, not speed: on the production topology under a loaded
    # machine the station's StartTransaction crosses an edge replica, two services and
    # PostgreSQL.
    (active,) = eventually(
        lambda: _transactions(system, "ACTIVE"), within=60, what="the remote start"
    )

    reply = _op(system, "POST", "remote-stop", json={"transactionId": active["id"]})
    assert reply.json()["status"] == "ACCEPTED", reply.text
    stopped = eventually(
        lambda: [t for t in _transactions(system, "COMPLETED") if t["id"] == active["id"]],
        within=60,
        what="the remote stop",
    )
    assert stopped[0]["stopReason"] == "REMOTE"


def test_remote_stop_of_an_unknown_transaction_is_rejected(system: System, station: Any) -> None:
    reply = _op(system, "POST", "remote-stop", json={"transactionId": 999999})
    assert reply.json()["status"] == "REJECTED"


def test_unlock_connector(system: System, station: Any) -> None:
    assert _op(system, "POST", "unlock", json={"evseId": 1}).json()["status"] == "UNLOCKED"


def test_change_availability_reaches_the_connector_status(system: System, station: Any) -> None:
    reply = _op(system, "POST", "availability", json={"evseId": 1, "operative": False})
    assert reply.json()["status"] == "ACCEPTED", reply.text

    def unavailable() -> bool:
        connectors = {
            (c["evseId"], c["connectorId"]): c["status"] for c in _station(system)["connectors"]
        }
        return connectors.get((1, 1)) == "UNAVAILABLE"

    eventually(unavailable, what="connector 1 to report Unavailable")
    assert (
        _op(system, "POST", "availability", json={"evseId": 1, "operative": True}).json()["status"]
        == "ACCEPTED"
    )


def test_clear_cache(system: System, station: Any) -> None:
    assert _op(system, "POST", "clear-cache", json={}).json()["status"] == "ACCEPTED"


def test_get_and_change_configuration(system: System, station: Any) -> None:
    reply = _op(system, "GET", "configuration", params={"keys": ["HeartbeatInterval", "NoSuchKey"]})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert [k["key"] for k in body["configurationKeys"]] == ["HeartbeatInterval"]
    assert body["unknownKeys"] == ["NoSuchKey"]

    changed = _op(system, "PUT", "configuration/HeartbeatInterval", json={"value": "120"})
    assert changed.json()["status"] == "ACCEPTED", changed.text
    again = _op(system, "GET", "configuration", params={"keys": ["HeartbeatInterval"]}).json()
    assert again["configurationKeys"][0]["value"] == "120"
    assert (
        _op(system, "PUT", "configuration/NoSuchKey", json={"value": "1"}).json()["status"]
        == "NOT_SUPPORTED"
    )
    assert (
        _op(system, "PUT", "configuration/NumberOfConnectors", json={"value": "9"}).json()["status"]
        == "REJECTED"
    )


def test_data_transfer(system: System, station: Any) -> None:
    reply = _op(
        system,
        "POST",
        "data-transfer",
        json={"vendorId": "csms-sim", "messageId": "echo", "data": "hi"},
    )
    assert reply.json()["status"] == "ACCEPTED", reply.text
    other = _op(system, "POST", "data-transfer", json={"vendorId": "someone-else"})
    assert other.json()["status"] == "UNKNOWN_VENDOR_ID"


def test_local_list_full_then_differential(system: System, station: Any) -> None:
    for tag in ("LOCAL-1", "LOCAL-2"):
        created = httpx.post(f"{system.api_gateway}/api/v1/id-tags", json={"idTag": tag})
        assert created.status_code == 200, created.text
    added = httpx.put(f"{system.api_gateway}/api/v1/local-list/LOCAL-1", json={})
    assert added.status_code == 200, added.text

    full = _op(system, "POST", "local-list", json={"updateType": "FULL"}).json()
    assert full["status"] == "ACCEPTED", full
    assert full["updateType"] == "FULL"
    version = _op(system, "GET", "local-list/version").json()["version"]
    assert version == full["version"]

    httpx.put(f"{system.api_gateway}/api/v1/local-list/LOCAL-2", json={})
    differential = _op(system, "POST", "local-list", json={"updateType": "DIFFERENTIAL"}).json()
    assert differential["status"] == "ACCEPTED", differential
    assert differential["updateType"] == "DIFFERENTIAL"
    assert differential["entriesSent"] == 1
    assert _op(system, "GET", "local-list/version").json()["version"] == differential["version"]


def test_trigger_message_makes_the_station_send_it(system: System, station: Any) -> None:
    before = _station(system)["lastSeenAt"]
    reply = _op(system, "POST", "trigger", json={"requestedMessage": "HEARTBEAT"})
    assert reply.json()["status"] == "ACCEPTED", reply.text
    eventually(lambda: _station(system)["lastSeenAt"] != before, what="the triggered heartbeat")


def test_update_firmware_reports_progress(system: System, station: Any) -> None:
    retrieve_at = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    reply = _op(
        system,
        "POST",
        "firmware",
        json={"location": "https://firmware.invalid/v2.bin", "retrieveAt": retrieve_at},
    )
    assert reply.status_code == 200, reply.text
    eventually(lambda: _station(system)["firmwareStatus"] == "Installed", what="firmware Installed")


def test_get_diagnostics_uploads(system: System, station: Any) -> None:
    reply = _op(system, "POST", "diagnostics", json={"location": "ftp://diagnostics.invalid/"})
    assert reply.json()["fileName"], reply.text
    eventually(
        lambda: _station(system)["diagnosticsStatus"] == "Uploaded", what="diagnostics Uploaded"
    )


def test_reserve_then_cancel(system: System, station: Any) -> None:
    expires = (datetime.now(UTC) + timedelta(minutes=10)).isoformat().replace("+00:00", "Z")
    reply = _op(
        system,
        "POST",
        "reservations",
        json={"evseId": 1, "idTag": "DEMO-TAG-001", "expiresAt": expires},
    )
    assert reply.status_code == 200, reply.text
    reservation = reply.json()
    assert reservation["status"] == "ACTIVE"
    listed = httpx.get(
        f"{system.api_gateway}/api/v1/reservations", params={"chargePointId": STATION}
    ).json()
    assert reservation["id"] in [r["id"] for r in listed["reservations"]]
    cancelled = httpx.delete(f"{system.api_gateway}/api/v1/reservations/{reservation['id']}")
    assert cancelled.json()["status"] == "CANCELLED", cancelled.text


def test_charging_profiles_and_composite_schedule(system: System, station: Any) -> None:
    profile = {
        "id": 7,
        "stackLevel": 1,
        "purpose": "TX_DEFAULT_PROFILE",
        "kind": "ABSOLUTE",
        "schedule": {
            "rateUnit": "A",
            "durationSeconds": 3600,
            "periods": [{"startPeriodSeconds": 0, "limit": 16.0}],
        },
    }
    reply = _op(system, "POST", "charging-profiles", json={"evseId": 1, "chargingProfile": profile})
    assert reply.json()["status"] == "ACCEPTED", reply.text
    schedule = _op(
        system, "GET", "composite-schedule", params={"evseId": 1, "durationSeconds": 3600}
    ).json()
    assert schedule["status"] == "ACCEPTED", schedule
    assert schedule["schedule"]["periods"][0]["limit"] == 16.0
    cleared = _op(system, "DELETE", "charging-profiles", params={"chargingProfileId": 7})
    assert cleared.json()["status"] == "ACCEPTED", cleared.text
    assert (
        _op(system, "DELETE", "charging-profiles", params={"chargingProfileId": 7}).json()["status"]
        == "UNKNOWN"
    )


def test_generic_send(system: System, station: Any) -> None:
    url = f"{system.gateway}/connections/{STATION}/send"
    reply = httpx.post(
        url,
        json={"action": "GetConfiguration", "payload": {"key": ["HeartbeatInterval"]}},
        timeout=40,
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["result"]["configurationKey"][0]["key"] == "HeartbeatInterval"

    invalid = httpx.post(url, json={"action": "Reset", "payload": {"type": "Sideways"}})
    assert invalid.status_code == 400
    assert "Sideways" in invalid.json()["message"]
    unknown = httpx.post(url, json={"action": "MakeCoffee", "payload": {}})
    assert unknown.status_code == 400


def test_operations_on_a_station_that_is_not_connected(system: System) -> None:
    reply = httpx.post(
        f"{system.api_gateway}/api/v1/charge-points/NOT-HERE/reset", json={"type": "SOFT"}
    )
    assert reply.status_code == 404
    assert "NOT-HERE" in reply.json()["message"]
    bad = _op(system, "POST", "reset", json={"type": "SIDEWAYS"})
    assert bad.status_code == 400


def test_statistics_and_services(system: System, station: Any) -> None:
    stats = httpx.get(f"{system.gateway}/statistics").json()
    assert stats["activeConnections"] >= 1
    assert stats["connectionsByVersion"]["1.6"] >= 1
    actions = {(a["action"], a["direction"]) for a in stats["actions"]}
    assert ("BootNotification", "received") in actions
    assert ("Reset", "sent") in actions or ("UnlockConnector", "sent") in actions
    services = httpx.get(f"{system.api_gateway}/services").json()["services"]
    assert {s["component"]: s["status"] for s in services} == {
        "edge": "SERVING",
        "chargepoint": "SERVING",
        "transaction": "SERVING",
        "auth": "SERVING",
    }


def test_every_replica_reaches_the_station(system: System, station: Any) -> None:
    # Envoy hands operator calls to the edge replicas in turn (ROUND_ROBIN over the healthy
    # ones, launcher.envoy_clusters), so two rounds reach each; a replica that does not hold
    # the station's socket forwards the call to the one that does, which serves it too.
    holder = eventually(lambda: replica_holding(system, STATION), what=f"{STATION}'s replica")
    calls = 2 * system.replicas
    before = calls_served(system, "GetConfiguration")
    for _ in range(calls):
        reply = _op(system, "GET", "configuration", params={"keys": ["HeartbeatInterval"]})
        assert reply.status_code == 200, reply.text
    after = calls_served(system, "GetConfiguration")
    served = {name: after[name] - before[name] for name in after}
    assert served.pop(holder) == calls, "the holder sends every call to the station"
    # Each other replica was handed some of the calls, and forwarded them.
    assert len(served) == system.replicas - 1
    assert all(count > 0 for count in served.values()), served


def test_reset_makes_the_station_reboot(system: System, station: Any) -> None:
    before = _station(system)["lastBootAt"]
    assert _op(system, "POST", "reset", json={"type": "SOFT"}).json()["status"] == "ACCEPTED"
    eventually(
        lambda: _station(system)["lastBootAt"] != before, what="the reboot's BootNotification"
    )
    eventually(lambda: _connected(system), what="the station to reconnect")


def test_disconnect(system: System, station: Any) -> None:
    reply = httpx.delete(f"{system.gateway}/connections/{STATION}")
    assert reply.status_code == 200, reply.text
    # Stations reconnect after losing their socket; the simulator does too.
    eventually(lambda: _connected(system), what="the station to reconnect")
