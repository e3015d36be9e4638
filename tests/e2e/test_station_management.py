"""Issue 13, station management, as an operator drives it: REST through Envoy -> gRPC ->
edge -> ``csms-sim --stay`` (OCPP 1.6, 2.0.1 and 2.1) -> and back. Resetting one EVSE and
changing one connector's availability (OCPP 2.0.1 B11/B12, G03/G04), with what the
station reports afterwards, and the errors an OCPP 1.6 station's operator gets; an
operator's change of a station's registration (Pending -> Accepted at once, Rejected at
its next boot).

The system runs with ``CSMS_BASE_REPORT=never``: a Pending 2.x station waits for an
operator instead of being accepted after its base report."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import grpc
import httpx
import pytest
import websockets
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

from csms.auth.v1.network_profiles_pb2 import NetworkProfile as NetworkProfileMessage
from csms.chargepoint.v1 import chargepoint_pb2
from csms.edge.v1 import operations_pb2
from csms_client import CsmsClient, CsmsError
from csms_client.network_profiles import NetworkConnectionProfile
from tests.support.stations import SETTLED, StayingStation, staying_station
from tests.support.system import System, running_system
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

VERSIONS = ("2.0.1", "2.1")


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    with running_system(
        tmp_path_factory.mktemp("station-management"), CSMS_BASE_REPORT="never"
    ) as running:
        yield running


@pytest.fixture(scope="module", params=VERSIONS)
def station2(system: System, request: pytest.FixtureRequest) -> Iterator[StayingStation]:
    version = str(request.param)
    name = "MGT-" + version.replace(".", "")
    with staying_station(
        system, name, version, "--interval", "0.2", "--connectors", "2"
    ) as station:
        yield station


@pytest.fixture(scope="module")
def station16(system: System) -> Iterator[StayingStation]:
    with staying_station(system, "MGT-16", "1.6", "--interval", "0.2") as station:
        yield station


def _op(
    system: System, station: StayingStation, method: str, path: str, **kwargs: Any
) -> httpx.Response:
    url = f"{system.api_gateway}/api/v1/charge-points/{station.charge_point_id}/{path}"
    return httpx.request(method, url, timeout=40, **kwargs)


def _connector_status(system: System, station: StayingStation, evse_id: int) -> str | None:
    cp = httpx.get(f"{system.api}/charge-points/{station.charge_point_id}").json()
    statuses = {(c["evseId"], c["connectorId"]): c["status"] for c in cp.get("connectors", [])}
    return statuses.get((evse_id, 1))


def _active(system: System, station: StayingStation) -> list[dict[str, Any]]:
    reply = httpx.get(
        f"{system.api}/transactions",
        params={"chargePointId": station.charge_point_id, "status": "ACTIVE"},
    )
    return list(reply.json()["transactions"])


def test_an_evse_reset_makes_it_unavailable_then_available(
    system: System, station2: StayingStation
) -> None:
    before = station2.log().count("evseId=1 connectorId=1 Unavailable")
    reply = _op(system, station2, "POST", "reset", json={"type": "HARD", "evseId": 1})
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"status": "ACCEPTED"}
    # The station restarts only that EVSE: Unavailable, then Available again; it does not
    # reconnect (a whole-station reset would).
    eventually(
        lambda: station2.log().count("evseId=1 connectorId=1 Unavailable") > before,
        what="EVSE 1 to report Unavailable while it restarts",
    )
    eventually(
        lambda: _connector_status(system, station2, 1) == "AVAILABLE",
        what="EVSE 1 to be Available again",
    )
    assert station2.settled_count() == 1, station2.log()


def test_an_evse_reset_while_charging_is_scheduled(
    system: System, station2: StayingStation
) -> None:
    started = _op(
        system, station2, "POST", "remote-start", json={"idTag": "DEMO-TAG-001", "evseId": 2}
    )
    assert started.json()["status"] == "ACCEPTED", started.text
    (active,) = eventually(lambda: _active(system, station2), what="the remote start")

    reply = _op(system, station2, "POST", "reset", json={"type": "SOFT", "evseId": 2})
    assert reply.json() == {"status": "SCHEDULED"}, reply.text
    # An EVSE other than the charging one is reset at once.
    other = _op(system, station2, "POST", "reset", json={"type": "SOFT", "evseId": 1})
    assert other.json() == {"status": "ACCEPTED"}, other.text

    stopped = _op(system, station2, "POST", "remote-stop", json={"transactionId": active["id"]})
    assert stopped.json()["status"] == "ACCEPTED", stopped.text
    # Once the transaction has ended, the scheduled reset restarts EVSE 2.
    eventually(
        lambda: "evseId=2 connectorId=1 Unavailable" in station2.log(),
        what="EVSE 2 to restart once its transaction ended",
    )
    eventually(lambda: _connector_status(system, station2, 2) == "AVAILABLE", what="EVSE 2")


def test_an_evse_the_station_does_not_have_is_rejected(
    system: System, station2: StayingStation
) -> None:
    reply = _op(system, station2, "POST", "reset", json={"type": "SOFT", "evseId": 9})
    assert reply.json() == {"status": "REJECTED"}, reply.text


def test_one_connector_out_of_service_and_back(system: System, station2: StayingStation) -> None:
    off = {"evseId": 1, "connectorId": 1, "operative": False}
    reply = _op(system, station2, "POST", "availability", json=off)
    assert reply.json() == {"status": "ACCEPTED"}, reply.text
    eventually(
        lambda: _connector_status(system, station2, 1) == "UNAVAILABLE",
        what="connector 1 of EVSE 1 to report Unavailable",
    )
    on = {"evseId": 1, "connectorId": 1, "operative": True}
    assert _op(system, station2, "POST", "availability", json=on).json()["status"] == "ACCEPTED"
    eventually(lambda: _connector_status(system, station2, 1) == "AVAILABLE", what="in service")
    # csms-sim's EVSEs have one connector each.
    other = {"evseId": 1, "connectorId": 2, "operative": False}
    assert _op(system, station2, "POST", "availability", json=other).json() == {
        "status": "REJECTED"
    }


def test_a_connector_needs_its_evse(system: System, station2: StayingStation) -> None:
    reply = _op(
        system, station2, "POST", "availability", json={"connectorId": 1, "operative": False}
    )
    assert reply.status_code == 400, reply.text
    assert "connector_id needs an evse_id" in reply.json()["message"]


def test_a_16_station_resets_as_a_whole(system: System, station16: StayingStation) -> None:
    reply = _op(system, station16, "POST", "reset", json={"type": "SOFT", "evseId": 1})
    assert reply.status_code == 400, reply.text
    body = reply.json()
    assert body["code"] == 3
    assert "OCPP 1.6 resets the whole charge point" in body["message"]
    assert station16.settled_count() == 1  # nothing was sent: the station did not reboot


def test_a_16_connector_is_its_evse(system: System, station16: StayingStation) -> None:
    one = {"evseId": 1, "connectorId": 1, "operative": False}
    assert _op(system, station16, "POST", "availability", json=one).json() == {"status": "ACCEPTED"}
    assert _op(
        system, station16, "POST", "availability", json={"evseId": 1, "operative": True}
    ).json() == {"status": "ACCEPTED"}
    two = {"evseId": 1, "connectorId": 2, "operative": False}
    reply = _op(system, station16, "POST", "availability", json=two)
    assert reply.status_code == 400, reply.text
    assert "an OCPP 1.6 EVSE has one connector" in reply.json()["message"]


# --- registration (issue 13, item 13) ------------------------------------------------------


def _register(system: System, charge_point_id: str, status: str) -> None:
    reply = httpx.post(
        f"{system.api_gateway}/api/v1/charge-points",
        json={"id": charge_point_id, "registrationStatus": status},
    )
    assert reply.status_code == 200, reply.text


def _registration(system: System, charge_point_id: str, body: Any) -> httpx.Response:
    return httpx.post(
        f"{system.api_gateway}/api/v1/charge-points/{charge_point_id}/registration",
        json=body,
        timeout=40,
    )


def _status(system: System, charge_point_id: str) -> str:
    cp = httpx.get(f"{system.api}/charge-points/{charge_point_id}").json()
    return str(cp["registrationStatus"])


@pytest.mark.parametrize("version", VERSIONS)
def test_accepting_a_pending_station_makes_it_boot_now(system: System, version: str) -> None:
    cp_id = "REG-" + version.replace(".", "")
    _register(system, cp_id, "PENDING")
    log = system.output.parent / f"sim-{cp_id}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "simulator.cli", cp_id, version, system.ocpp_url, "--stay"],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        eventually(lambda: "pending: booting again" in log.read_text(), what="a Pending boot")
        reply = _registration(system, cp_id, {"status": "ACCEPTED"})
        assert reply.status_code == 200, reply.text
        body = reply.json()
        assert body["previousStatus"] == "PENDING"
        assert body["boot"] == "TRIGGERED"
        assert body["chargePoint"]["registrationStatus"] == "ACCEPTED"
        # Booted again at once, not after the Pending answer's interval, and Accepted.
        eventually(lambda: SETTLED in log.read_text(), within=20, what=f"{cp_id} accepted")
        assert "reason=Triggered" in log.read_text()
        assert _status(system, cp_id) == "ACCEPTED"
    finally:
        process.terminate()
        process.wait(10)


def test_rejecting_a_connected_station_takes_effect_at_its_next_boot(system: System) -> None:
    cp_id = "REG-REJ"
    _register(system, cp_id, "ACCEPTED")
    with staying_station(system, cp_id, "2.0.1", "--interval", "0.2") as station:
        reply = _registration(system, cp_id, {"status": "REJECTED"})
        assert reply.json()["boot"] == "AT_NEXT_BOOT", reply.text
        assert _status(system, cp_id) == "REJECTED"
        # Its live connection is served meanwhile (a running transaction keeps its records).
        trigger = {"requestedMessage": "HEARTBEAT"}
        assert _op(system, station, "POST", "trigger", json=trigger).json() == {
            "status": "ACCEPTED"
        }
        # Its next boot is answered Rejected (the station, staying, tries again later).
        assert _op(system, station, "POST", "reset", json={"type": "HARD"}).status_code in (
            200,
            409,  # it may close its socket before its answer leaves
        )
        eventually(
            lambda: "the CSMS rejected charging station" in station.log(),
            what="the next boot to be answered Rejected",
        )


def test_registration_errors(system: System) -> None:
    missing = _registration(system, "REG-NONE", {"status": "ACCEPTED"})
    assert missing.status_code == 404, missing.text
    assert "does not exist" in missing.json()["message"]
    _register(system, "REG-BAD", "PENDING")
    no_status = _registration(system, "REG-BAD", {})
    assert no_status.status_code == 400, no_status.text
    assert "status is required" in no_status.json()["message"]
    wrong = _registration(system, "REG-BAD", {"status": "MAYBE"})
    assert wrong.status_code == 400, wrong.text


# --- network profiles and the security profile upgrade (issue 13, item 3) ------------------

PASSWORD = "station-password-0001"


def _credentials(system: System, cp_id: str) -> dict[str, Any]:
    reply = httpx.get(f"{system.api_gateway}/api/v1/charge-points/{cp_id}/credentials")
    return dict(reply.json())


async def _handshake_status(system: System, cp_id: str) -> int:
    """The HTTP status of a handshake without credentials (101 when admitted)."""
    try:
        async with websockets.connect(
            f"{system.ocpp_url}/{cp_id}", subprotocols=[Subprotocol("ocpp2.0.1")]
        ):
            return 101
    except InvalidStatus as refused:
        return refused.response.status_code


@pytest.mark.parametrize("version", VERSIONS)
def test_a_security_profile_upgrade_applies_once_the_station_reconnects_with_it(
    system: System, version: str
) -> None:
    cp_id = "NET-" + version.replace(".", "")
    with staying_station(system, cp_id, version, "--interval", "0.2") as station:
        api = f"{system.api_gateway}/api/v1/charge-points/{cp_id}"
        # A05 step 0: the station gets a Basic auth password (A01), the CSMS stores it.
        changed = httpx.post(f"{api}/credentials/password", json={"password": PASSWORD}, timeout=40)
        assert changed.status_code == 200, changed.text
        # Step 1: a profile 1 connection in slot 2 (B09).
        offer = {
            "configurationSlot": 2,
            "connectionData": {
                "ocppCsmsUrl": system.ocpp_url,
                "messageTimeout": 30,
                "securityProfile": 1,
                "ocppInterface": "Wired0",
            },
        }
        reply = httpx.post(f"{api}/network-profiles", json=offer, timeout=40)
        assert reply.status_code == 200, reply.text
        body = reply.json()
        assert body["profile"]["status"] == "ACCEPTED"
        assert body["credentials"] == {
            "securityProfile": 0,
            "effectiveSecurityProfile": 0,
            "pendingSecurityProfile": 1,
        }, body
        listed = httpx.get(f"{api}/network-profiles").json()["profiles"]
        assert [
            (p["configurationSlot"], p["connectionData"]["securityProfile"]) for p in listed
        ] == [(2, 1)]
        # Until it reconnects with it, the old profile is in force.
        shown = _credentials(system, cp_id)
        assert (shown["securityProfile"], shown["pendingSecurityProfile"]) == (0, 1), shown
        assert asyncio.run(_handshake_status(system, cp_id)) == 101
        station.wait_settled(2)  # that handshake took over its connection; it came back

        # Step 2: the slot first (NetworkConfigurationPriority), step 3: a reset.
        key = "OCPPCommCtrlr.NetworkConfigurationPriority"
        priority = _op(system, station, "PUT", f"configuration/{key}", json={"value": "2"})
        assert priority.json() == {"status": "ACCEPTED"}, priority.text
        settled = station.settled_count()
        _op(system, station, "POST", "reset", json={"type": "HARD"})
        station.wait_settled(settled + 1)

        # It reconnected with Basic auth: profile 1 is its profile, and none is refused.
        shown = _credentials(system, cp_id)
        assert shown["securityProfile"] == 1, shown
        assert shown["pendingSecurityProfile"] == 0, shown
        assert asyncio.run(_handshake_status(system, cp_id)) == 401


def test_network_profile_errors(
    system: System, station2: StayingStation, station16: StayingStation
) -> None:
    def offer(station: StayingStation, slot: int, profile: int) -> httpx.Response:
        body = {
            "configurationSlot": slot,
            "connectionData": {
                "ocppCsmsUrl": "wss://csms.example.com/ocpp",
                "messageTimeout": 30,
                "securityProfile": profile,
                "ocppInterface": "Wired0",
            },
        }
        url = f"{system.api_gateway}/api/v1/charge-points/{station.charge_point_id}"
        return httpx.post(f"{url}/network-profiles", json=body, timeout=40)

    # A slot the station does not have: it says Rejected, and the CSMS records that.
    rejected = offer(station2, 9, 3)
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["profile"]["status"] == "REJECTED"
    # The CSMS's own checks, before anything is sent.
    no_password = offer(station2, 1, 2)
    assert no_password.status_code == 400
    assert "set it first" in no_password.json()["message"]
    bad_slot = offer(station2, 0, 3)
    assert bad_slot.status_code == 400
    assert "configuration_slot must be 1 or more" in bad_slot.json()["message"]
    # OCPP 1.6 has no network profiles.
    unsupported = offer(station16, 1, 3)
    assert unsupported.status_code == 501, unsupported.text


# --- the Python SDK's methods of issue 13 ---------------------------------------------------


async def test_the_sdk_methods(system: System, station2: StayingStation) -> None:
    def address(variable: str) -> str:
        return f"127.0.0.1:{system.port(variable)}"

    cp_id = station2.charge_point_id
    async with CsmsClient(
        edge=address("CSMS_EDGE_GRPC_PORT"),
        chargepoint=address("CSMS_CHARGEPOINT_GRPC_PORT"),
        transaction=address("CSMS_TRANSACTION_GRPC_PORT"),
        auth=address("CSMS_AUTH_GRPC_PORT"),
        timeout=40,
    ) as csms:
        reset = await csms.edge.reset(cp_id, evse_id=2)
        assert reset.status == operations_pb2.OperationStatus.ACCEPTED
        availability = await csms.edge.change_availability(cp_id, 1, operative=True, connector_id=1)
        assert availability.status == operations_pb2.OperationStatus.ACCEPTED
        offered = await csms.network_profiles.offer(
            cp_id,
            9,
            NetworkConnectionProfile(
                ocpp_csms_url="wss://csms.example.com/ocpp",
                message_timeout=30,
                security_profile=3,
                ocpp_interface="Wired0",
            ),
        )
        assert offered.profile.status == NetworkProfileMessage.REJECTED  # no slot 9
        listed = await csms.network_profiles.list(cp_id)
        assert 9 in [p.configuration_slot for p in listed.profiles]
        change = await csms.charge_points.change_registration(
            cp_id, chargepoint_pb2.ChargePoint.ACCEPTED
        )
        assert change.boot == chargepoint_pb2.ChangeRegistrationResponse.AT_NEXT_BOOT
        with pytest.raises(CsmsError) as missing:
            await csms.charge_points.change_registration(
                "NOBODY", chargepoint_pb2.ChargePoint.ACCEPTED
            )
        assert missing.value.code == grpc.StatusCode.NOT_FOUND
