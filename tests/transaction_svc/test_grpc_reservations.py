"""Reservations and transaction counts over gRPC: a real TransactionService on a migrated
database, sending to a real (scripted) EdgeService and asking a scripted AuthService."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import grpc
import pytest

from csms.auth.v1 import auth_pb2, auth_pb2_grpc
from csms.edge.v1 import operations_pb2
from csms.transaction.v1 import reservation_status_pb2, transaction_pb2, transaction_pb2_grpc
from servicekit.channels import open_channel
from servicekit.grpc_server import Registration, start_server
from servicekit.migrations import upgrade
from servicekit.settings import Settings
from servicekit.timestamps import to_timestamp
from tests.support.fake_edge import CALL_ERROR, NO_ANSWER, NOT_CONNECTED, FakeEdge, serving
from tests.support.settings import with_network
from tests.transaction_svc.support.grpc_harness import (
    ScriptedAuthService,
    expect_error,
    start_request,
)
from transaction_svc.server import start

R = transaction_pb2.Reservation
Info = auth_pb2.IdTokenInfo


@dataclass
class Harness:
    stub: transaction_pb2_grpc.TransactionServiceAsyncStub
    edge: FakeEdge


def later(minutes: float) -> datetime:
    # Reservations must end in the future of the service's real clock.
    return datetime.now(UTC) + timedelta(minutes=minutes)


def reserve_request(**overrides: Any) -> transaction_pb2.ReserveNowRequest:
    fields: dict[str, Any] = {
        "charge_point_id": "CP-1",
        "evse_id": 1,
        "id_tag": "TAG-1",
        "parent_id_tag": "GROUP",
        "expires_at": to_timestamp(later(30)),
    }
    return transaction_pb2.ReserveNowRequest(**(fields | overrides))


@pytest.fixture
async def harness(database_url: str, tmp_path: Path) -> AsyncIterator[Harness]:
    await asyncio.to_thread(upgrade, "transaction", database_url)
    auth = ScriptedAuthService(  # type: ignore[abstract]
        {
            "TAG-1": Info(status=Info.ACCEPTED, parent_id_tag="GROUP"),
            "STRANGER": Info(status=Info.ACCEPTED),
            "DRIVER-EMAID": Info(status=Info.ACCEPTED),
        }
    )
    auth_name = auth_pb2.DESCRIPTOR.services_by_name["AuthService"].full_name
    auth_server = await start_server(
        [Registration(auth, auth_pb2_grpc.add_AuthServiceServicer_to_server, auth_name)],
        "127.0.0.1",
        0,
    )
    edge = FakeEdge()  # type: ignore[abstract]  # serves the operations under test only
    async with serving(edge) as edge_address:
        settings = with_network(
            Settings.from_env(
                {"CSMS_DATA_DIR": str(tmp_path), "CSMS_TRANSACTION_DATABASE_URL": database_url}
            ),
            auth_address=f"127.0.0.1:{auth_server.port}",
            edge_address=edge_address,
            grpc_timeout=3.0,
        )
        service = await start(settings.network, settings.storage, port=0)
        channel = open_channel(f"127.0.0.1:{service.port}")
        try:
            yield Harness(transaction_pb2_grpc.TransactionServiceStub(channel), edge)
        finally:
            await channel.close(grace=None)
            await service.stop()
            await auth_server.stop(grace=0)


async def test_reserve_now_accepted_then_cancelled(harness: Harness) -> None:
    expires = to_timestamp(later(30))
    reservation = await harness.stub.ReserveNow(reserve_request(expires_at=expires))
    assert reservation.id > 0
    assert (reservation.status, reservation.station_status) == (R.ACTIVE, "ACCEPTED")
    assert (reservation.charge_point_id, reservation.evse_id, reservation.id_tag) == (
        "CP-1",
        1,
        "TAG-1",
    )
    assert (reservation.parent_id_tag, reservation.expires_at) == ("GROUP", expires)
    assert reservation.HasField("created_at")
    (sent,) = harness.edge.requests_of(operations_pb2.ReserveNowRequest)
    assert (sent.reservation_id, sent.charge_point_id, sent.evse_id) == (reservation.id, "CP-1", 1)
    assert (sent.id_tag, sent.parent_id_tag, sent.expires_at) == ("TAG-1", "GROUP", expires)

    cancelled = await harness.stub.CancelReservation(
        transaction_pb2.CancelReservationRequest(id=reservation.id)
    )
    assert cancelled.status == R.CANCELLED
    (cancel,) = harness.edge.requests_of(operations_pb2.CancelReservationRequest)
    assert (cancel.charge_point_id, cancel.reservation_id) == ("CP-1", reservation.id)
    stored = await harness.stub.GetReservation(
        transaction_pb2.GetReservationRequest(id=reservation.id)
    )
    assert stored == cancelled
    await expect_error(
        harness.stub.CancelReservation(transaction_pb2.CancelReservationRequest(id=reservation.id)),
        grpc.StatusCode.FAILED_PRECONDITION,
        f"reservation {reservation.id} is CANCELLED; only an ACTIVE reservation can be cancelled",
    )


async def test_reserve_now_refused_by_the_station(harness: Harness) -> None:
    harness.edge.answer("ReserveNow", "OCCUPIED")
    reservation = await harness.stub.ReserveNow(reserve_request())
    assert (reservation.status, reservation.station_status) == (R.REJECTED, "OCCUPIED")


@pytest.mark.parametrize(
    ("failure", "code", "message"),
    [
        (NOT_CONNECTED, grpc.StatusCode.NOT_FOUND, "charge point CP-1 is not connected"),
        (NO_ANSWER, grpc.StatusCode.DEADLINE_EXCEEDED, "charge point CP-1 did not answer"),
        (
            CALL_ERROR,
            grpc.StatusCode.FAILED_PRECONDITION,
            "CALLERROR NotSupported: not supported by this station",
        ),
    ],
)
async def test_edge_errors_are_passed_on_and_the_reservation_failed(
    harness: Harness, failure: Any, code: grpc.StatusCode, message: str
) -> None:
    harness.edge.answer("ReserveNow", failure)
    await expect_error(harness.stub.ReserveNow(reserve_request()), code, message)
    listed = await harness.stub.ListReservations(transaction_pb2.ListReservationsRequest())
    (failed,) = listed.reservations
    assert (failed.status, failed.station_status) == (R.FAILED, "")


async def test_cancel_refused_or_failing_at_the_edge(harness: Harness) -> None:
    reservation = await harness.stub.ReserveNow(reserve_request())
    cancel = transaction_pb2.CancelReservationRequest(id=reservation.id)
    harness.edge.answer("CancelReservation", "REJECTED", NOT_CONNECTED)
    await expect_error(
        harness.stub.CancelReservation(cancel),
        grpc.StatusCode.FAILED_PRECONDITION,
        f"the station refused to cancel reservation {reservation.id}",
    )
    await expect_error(
        harness.stub.CancelReservation(cancel), grpc.StatusCode.NOT_FOUND, "is not connected"
    )
    stored = await harness.stub.GetReservation(
        transaction_pb2.GetReservationRequest(id=reservation.id)
    )
    assert stored.status == R.ACTIVE


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"charge_point_id": ""}, "charge_point_id must not be empty"),
        ({"id_tag": ""}, "id_tag must not be empty"),
        ({"id_tag": "X" * 37}, "id_tag is 37 characters long"),
        ({"evse_id": -1}, "evse_id must not be negative"),
        ({"expires_at": None}, "expires_at must be set"),
        ({"expires_at": to_timestamp(datetime(2020, 1, 1, tzinfo=UTC))}, "has already passed"),
        ({"connector_type": "CCS2"}, "connector_type 'CCS2' is not an OCPP connector type"),
        ({"id_token_type": "RFID"}, "id_token_type 'RFID' is not an OCPP id token type"),
    ],
)
async def test_reserve_now_refuses_wrong_requests(
    harness: Harness, overrides: dict[str, Any], message: str
) -> None:
    await expect_error(
        harness.stub.ReserveNow(reserve_request(**overrides)),
        grpc.StatusCode.INVALID_ARGUMENT,
        message,
    )
    assert harness.edge.requests == []


async def test_get_and_list_reservations(harness: Harness) -> None:
    ids = []
    for cp, answer in [("CP-1", "ACCEPTED"), ("CP-2", "OCCUPIED"), ("CP-1", "ACCEPTED")]:
        harness.edge.answer("ReserveNow", answer)
        ids.append((await harness.stub.ReserveNow(reserve_request(charge_point_id=cp))).id)
    list_ = harness.stub.ListReservations
    request = transaction_pb2.ListReservationsRequest
    first = await list_(request(page_size=2))
    assert [r.id for r in first.reservations] == [ids[2], ids[1]]
    second = await list_(request(page_size=2, page_token=first.next_page_token))
    assert ([r.id for r in second.reservations], second.next_page_token) == ([ids[0]], "")
    active = await list_(request(charge_point_id="CP-1", status=R.ACTIVE))
    assert [r.id for r in active.reservations] == [ids[2], ids[0]]
    rejected = await list_(request(status=R.REJECTED))
    assert [r.id for r in rejected.reservations] == [ids[1]]
    assert list((await list_(request(status=R.EXPIRED))).reservations) == []

    await expect_error(
        harness.stub.GetReservation(transaction_pb2.GetReservationRequest(id=4242)),
        grpc.StatusCode.NOT_FOUND,
        "reservation 4242 is not known",
    )
    await expect_error(
        list_(request(status=R.Status.ValueType(99))),
        grpc.StatusCode.INVALID_ARGUMENT,
        "status=99 is not a value this API defines",
    )
    await expect_error(
        list_(request(page_token="nope!")),
        grpc.StatusCode.INVALID_ARGUMENT,
        "page_token is not a token this API gave out",
    )


async def test_starts_respect_reservations(harness: Harness) -> None:
    reservation = await harness.stub.ReserveNow(reserve_request(evse_id=1))
    now = to_timestamp(datetime.now(UTC))
    stranger = await harness.stub.StartTransaction(start_request(id_tag="STRANGER", timestamp=now))
    assert stranger.id_token_info.status == Info.INVALID
    assert stranger.transaction.authorization_status == Info.INVALID
    assert stranger.transaction.reservation_id == 0

    owner = await harness.stub.StartTransaction(
        start_request(connector_id=1, evse_id=1, meter_start_wh=5, timestamp=now)
    )
    assert owner.id_token_info.status == Info.ACCEPTED
    assert owner.transaction.reservation_id == reservation.id
    used = await harness.stub.GetReservation(
        transaction_pb2.GetReservationRequest(id=reservation.id)
    )
    assert (used.status, used.transaction_id) == (R.USED, owner.transaction.id)


async def test_count_transactions(harness: Harness) -> None:
    count = harness.stub.CountTransactions
    empty = await count(transaction_pb2.CountTransactionsRequest())
    assert (empty.active, empty.completed) == (0, 0)
    started = [
        (await harness.stub.StartTransaction(start_request(connector_id=c))).transaction.id
        for c in (1, 2)
    ]
    await harness.stub.StopTransaction(
        transaction_pb2.StopTransactionRequest(
            charge_point_id="CP-1",
            transaction_id=started[0],
            meter_stop_wh=2000,
            timestamp=to_timestamp(datetime.now(UTC)),
        )
    )
    counts = await count(transaction_pb2.CountTransactionsRequest())
    assert (counts.active, counts.completed) == (1, 1)


async def test_a_started_transaction_event_uses_its_reservation(harness: Harness) -> None:
    reservation = await harness.stub.ReserveNow(reserve_request(evse_id=1))
    Event = transaction_pb2.RecordTransactionEventRequest
    outcome = await harness.stub.RecordTransactionEvent(
        Event(
            charge_point_id="CP-1",
            ocpp_version="2.0.1",
            event_type=Event.STARTED,
            timestamp=to_timestamp(datetime.now(UTC)),
            trigger_reason="Authorized",
            station_transaction_id="ST-1",
            evse_id=1,
            connector_id=1,
            id_tag="TAG-1",
            reservation_id=reservation.id,
        )
    )
    assert outcome.id_token_info.status == Info.ACCEPTED
    assert outcome.transaction.reservation_id == reservation.id
    used = await harness.stub.GetReservation(
        transaction_pb2.GetReservationRequest(id=reservation.id)
    )
    assert (used.status, used.transaction_id) == (R.USED, outcome.transaction.id)


Update = reservation_status_pb2.RecordReservationStatusRequest


async def test_a_reservation_by_connector_type_keeps_it(harness: Harness) -> None:
    reserved = await harness.stub.ReserveNow(
        reserve_request(evse_id=0, connector_type="cType2", id_token_type="eMAID")
    )
    assert (reserved.status, reserved.evse_id) == (R.ACTIVE, 0)
    assert (reserved.connector_type, reserved.id_token_type) == ("cType2", "eMAID")
    (sent,) = harness.edge.requests_of(operations_pb2.ReserveNowRequest)
    assert (sent.evse_id, sent.connector_type, sent.id_token_type) == (0, "cType2", "eMAID")
    listed = await harness.stub.ListReservations(
        transaction_pb2.ListReservationsRequest(charge_point_id="CP-1")
    )
    assert [(r.id, r.connector_type) for r in listed.reservations] == [(reserved.id, "cType2")]
    plain = await harness.stub.ReserveNow(reserve_request(evse_id=2))
    # Unset: an RFID card, as every id tag stored before types were.
    assert (plain.connector_type, plain.id_token_type) == ("", "ISO14443")


@pytest.mark.parametrize(
    ("update", "status"),
    [(Update.EXPIRED, R.EXPIRED), (Update.REMOVED, R.REMOVED), (Update.NO_TRANSACTION, R.REMOVED)],
)
async def test_the_station_ends_a_reservation(
    harness: Harness, update: Update.Status.ValueType, status: R.Status.ValueType
) -> None:
    reserved = await harness.stub.ReserveNow(reserve_request())
    other_station = await harness.stub.RecordReservationStatus(
        Update(charge_point_id="CP-2", reservation_id=reserved.id, status=update)
    )
    assert not other_station.applied
    ended = await harness.stub.RecordReservationStatus(
        Update(charge_point_id="CP-1", reservation_id=reserved.id, status=update)
    )
    assert ended.applied
    stored = await harness.stub.GetReservation(
        transaction_pb2.GetReservationRequest(id=reserved.id)
    )
    assert stored.status == status
    assert stored.station_update == Update.Status.Name(update).title().replace("_", "")
    # Ended once: a repeated update, or a cancel, changes nothing.
    again = await harness.stub.RecordReservationStatus(
        Update(charge_point_id="CP-1", reservation_id=reserved.id, status=Update.REMOVED)
    )
    assert not again.applied
    await expect_error(
        harness.stub.CancelReservation(transaction_pb2.CancelReservationRequest(id=reserved.id)),
        grpc.StatusCode.FAILED_PRECONDITION,
        "only an ACTIVE reservation can be cancelled",
    )


async def test_a_station_update_for_an_unknown_reservation_changes_nothing(
    harness: Harness,
) -> None:
    unknown = await harness.stub.RecordReservationStatus(
        Update(charge_point_id="CP-1", reservation_id=999, status=Update.EXPIRED)
    )
    assert not unknown.applied
    await expect_error(
        harness.stub.RecordReservationStatus(Update(charge_point_id="CP-1", reservation_id=1)),
        grpc.StatusCode.INVALID_ARGUMENT,
        "status must be EXPIRED, REMOVED or NO_TRANSACTION",
    )


async def test_without_a_named_type_the_stored_one_is_sent(harness: Harness) -> None:
    stored = await harness.stub.ReserveNow(reserve_request(id_tag="DRIVER-EMAID", evse_id=1))
    assert stored.id_token_type == "eMAID"
    unknown = await harness.stub.ReserveNow(reserve_request(id_tag="NOT-STORED", evse_id=2))
    assert unknown.id_token_type == "ISO14443"
    named = await harness.stub.ReserveNow(
        reserve_request(id_tag="DRIVER-EMAID", evse_id=3, id_token_type="KeyCode")
    )
    assert named.id_token_type == "KeyCode"
    sent = harness.edge.requests_of(operations_pb2.ReserveNowRequest)
    assert [r.id_token_type for r in sent] == ["eMAID", "ISO14443", "KeyCode"]
