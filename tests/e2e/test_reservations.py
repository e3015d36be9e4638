"""Reservations as an operator makes them (OCPP 2.0.1 H01-H04, 1.6 §5.13), through REST via
Envoy against ``csms-sim --stay``: a 2.0.1 station with two EVSEs (EVSE 1 cType2, EVSE 2
cCCS2) reserved by EVSE, by connector type and unspecified, cancelled, used by a transaction,
removed and expired by the station (ReservationStatusUpdate); a 1.6 station that cannot
reserve by connector type; and the requests the API refuses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import httpx
import pytest

from csms.transaction.v1.transaction_pb2 import Reservation
from csms_client import CsmsClient, CsmsError
from tests.support.stations import StayingStation, staying_station
from tests.support.system import System
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

TAG = "RES-TAG-1"


@pytest.fixture(scope="module")
def station(system: System) -> Iterator[StayingStation]:
    created = httpx.post(f"{system.api_gateway}/api/v1/id-tags", json={"idTag": TAG})
    assert created.status_code == 200, created.text
    with staying_station(system, "RES-201", "2.0.1", "--connectors", "2") as running:
        yield running


@pytest.fixture(scope="module")
def station16(system: System) -> Iterator[StayingStation]:
    with staying_station(system, "RES-16", "1.6") as running:
        yield running


def _in(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


def _reserve(system: System, station: str, **fields: Any) -> httpx.Response:
    body = {"idTag": TAG, "expiresAt": _in(600)} | fields
    url = f"{system.api_gateway}/api/v1/charge-points/{station}/reservations"
    return httpx.post(url, json=body, timeout=40)


def _reservation(system: System, reservation_id: int) -> dict[str, Any]:
    reply = httpx.get(f"{system.api_gateway}/api/v1/reservations/{reservation_id}")
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def _once(system: System, reservation_id: int, status: str) -> dict[str, Any]:
    """The reservation once it has ``status``."""

    def probe() -> dict[str, Any] | None:
        found = _reservation(system, reservation_id)
        return found if found["status"] == status else None

    return eventually(probe, what=f"reservation {reservation_id} to be {status}")


def _cancel(system: System, reservation_id: int) -> httpx.Response:
    return httpx.delete(f"{system.api_gateway}/api/v1/reservations/{reservation_id}", timeout=40)


def _availability(system: System, evse_id: int, operative: bool) -> None:
    url = f"{system.api_gateway}/api/v1/charge-points/RES-201/availability"
    reply = httpx.post(url, json={"evseId": evse_id, "operative": operative}, timeout=40)
    assert reply.json()["status"] == "ACCEPTED", reply.text


def test_by_connector_type_then_removed_by_the_station(
    system: System, station: StayingStation
) -> None:
    reserved = _reserve(system, "RES-201", connectorType="cCCS2", idTokenType="ISO14443")
    assert reserved.status_code == 200, reserved.text
    body = reserved.json()
    assert (body["status"], body["stationStatus"]) == ("ACTIVE", "ACCEPTED"), body
    assert (body["connectorType"], body["idTokenType"]) == ("cCCS2", "ISO14443")
    assert body.get("evseId", 0) == 0
    # The only cCCS2 EVSE is held now: the station answers a second one Occupied.
    second = _reserve(system, "RES-201", connectorType="cCCS2").json()
    assert (second["status"], second["stationStatus"]) == ("REJECTED", "OCCUPIED"), second
    absent = _reserve(system, "RES-201", connectorType="cTesla").json()
    assert (absent["status"], absent["stationStatus"]) == ("REJECTED", "REJECTED"), absent

    _availability(system, 2, operative=False)
    try:
        # The station's ReservationStatusUpdate Removed.
        removed = _once(system, body["id"], "REMOVED")
        assert removed["stationUpdate"] == "Removed"
        listed = httpx.get(
            f"{system.api_gateway}/api/v1/reservations",
            params={"chargePointId": "RES-201", "status": "REMOVED"},
        ).json()
        assert [r["id"] for r in listed["reservations"]] == [body["id"]]
        refused = _cancel(system, body["id"])
        assert refused.status_code == 400, refused.text
        assert "REMOVED" in refused.json()["message"]
    finally:
        _availability(system, 2, operative=True)


def test_unspecified_evse_expires_at_the_station(system: System, station: StayingStation) -> None:
    reserved = _reserve(system, "RES-201", expiresAt=_in(2)).json()
    assert (reserved["status"], reserved.get("evseId", 0)) == ("ACTIVE", 0), reserved

    def told() -> dict[str, Any] | None:
        # EXPIRED is reported by the clock alone; the station's word is what is awaited.
        found = _reservation(system, reserved["id"])
        return found if found.get("stationUpdate") else None

    expired = eventually(told, what="the station's ReservationStatusUpdate Expired")
    assert (expired["status"], expired["stationUpdate"]) == ("EXPIRED", "Expired")


def test_cancelled_then_one_used_by_a_transaction(system: System, station: StayingStation) -> None:
    first = _reserve(system, "RES-201", evseId=1).json()
    assert first["status"] == "ACTIVE", first
    cancelled = _cancel(system, first["id"])
    assert cancelled.json()["status"] == "CANCELLED", cancelled.text

    used = _reserve(system, "RES-201", evseId=1).json()
    assert used["status"] == "ACTIVE", used
    api = f"{system.api_gateway}/api/v1/charge-points/RES-201"
    started = httpx.post(f"{api}/remote-start", json={"idTag": TAG, "evseId": 1}, timeout=40)
    assert started.json()["status"] == "ACCEPTED", started.text
    # The station's TransactionEvent Started names the reservation (H03).
    ended = _once(system, used["id"], "USED")
    transaction = httpx.get(f"{system.api}/transactions/{ended['transactionId']}").json()
    assert (transaction["chargePointId"], transaction["idTag"]) == ("RES-201", TAG)
    stopped = httpx.post(
        f"{api}/remote-stop", json={"transactionId": ended["transactionId"]}, timeout=40
    )
    assert stopped.json()["status"] == "ACCEPTED", stopped.text


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"connectorType": "CCS2"}, "connector_type 'CCS2' is not an OCPP connector type"),
        ({"idTokenType": "rfid"}, "id_token_type 'rfid' is not an OCPP id token type"),
        ({"evseId": -1}, "evse_id must not be negative"),
    ],
)
def test_wrong_requests_are_refused(
    system: System, station: StayingStation, fields: dict[str, Any], named: str
) -> None:
    reply = _reserve(system, "RES-201", **fields)
    assert reply.status_code == 400, reply.text
    assert named in reply.json()["message"]


def test_a_16_station_cannot_reserve_by_connector_type_but_cancels(
    system: System, station16: StayingStation
) -> None:
    refused = _reserve(system, "RES-16", connectorType="cType2")
    assert refused.status_code == 400, refused.text
    assert "OCPP 1.6 stations cannot reserve by connector type" in refused.json()["message"]
    reserved = _reserve(system, "RES-16", evseId=1).json()
    assert reserved["status"] == "ACTIVE", reserved
    cancelled = _cancel(system, reserved["id"])
    assert cancelled.json()["status"] == "CANCELLED", cancelled.text


async def test_the_python_client_reserves_by_connector_type(
    system: System, station: StayingStation
) -> None:
    def address(variable: str) -> str:
        return f"127.0.0.1:{system.port(variable)}"

    async with CsmsClient(
        edge=address("CSMS_EDGE_GRPC_PORT"),
        chargepoint=address("CSMS_CHARGEPOINT_GRPC_PORT"),
        transaction=address("CSMS_TRANSACTION_GRPC_PORT"),
        auth=address("CSMS_AUTH_GRPC_PORT"),
    ) as csms:
        tag = await csms.id_tags.create("SDK-EMAID-1", id_token_type="eMAID")
        assert tag.id_token_type == "eMAID"
        reserved = await csms.reservations.reserve(
            "RES-201",
            "SDK-EMAID-1",
            datetime.now(UTC) + timedelta(minutes=5),
            connector_type="cType2",
        )
        # The type auth_svc stores the id tag with, as the operator named none.
        assert (reserved.connector_type, reserved.id_token_type) == ("cType2", "eMAID")
        assert reserved.status == Reservation.ACTIVE
        listed = await csms.reservations.list(charge_point_id="RES-201", status=Reservation.ACTIVE)
        assert reserved.id in [r.id for r in listed.reservations]
        cancelled = await csms.reservations.cancel(reserved.id)
        assert cancelled.status == Reservation.CANCELLED
        with pytest.raises(CsmsError) as wrong:
            await csms.reservations.reserve(
                "RES-201",
                "SDK-EMAID-1",
                datetime.now(UTC) + timedelta(minutes=5),
                connector_type="x",
            )
        assert wrong.value.code == grpc.StatusCode.INVALID_ARGUMENT


def test_a_remote_start_sends_the_stored_id_token_type(
    system: System, station: StayingStation
) -> None:
    created = httpx.post(
        f"{system.api_gateway}/api/v1/id-tags", json={"idTag": "RES-EMAID", "idTokenType": "eMAID"}
    )
    assert created.status_code == 200, created.text
    api = f"{system.api_gateway}/api/v1/charge-points/RES-201"
    started = httpx.post(
        f"{api}/remote-start", json={"idTag": "RES-EMAID", "evseId": 2}, timeout=40
    )
    assert started.json()["status"] == "ACCEPTED", started.text

    def running() -> dict[str, Any] | None:
        reply = httpx.get(
            f"{system.api}/transactions", params={"chargePointId": "RES-201", "status": "ACTIVE"}
        )
        found = [t for t in reply.json()["transactions"] if t.get("idTag") == "RES-EMAID"]
        return found[0] if found else None

    # The station started for the token as it was given (F01) and reported it so: auth_svc
    # matched (value, type) with the stored identifier and accepted it.
    transaction = eventually(running, what="the remote start's transaction")
    assert transaction["idTokenType"] == "eMAID", transaction
    assert transaction["authorizationStatus"] == "ACCEPTED", transaction
    stopped = httpx.post(
        f"{api}/remote-stop", json={"transactionId": transaction["id"]}, timeout=40
    )
    assert stopped.json()["status"] == "ACCEPTED", stopped.text
