"""RecordTransactionEvent end to end over gRPC: a real TransactionService on a migrated
database (SQLite and PostgreSQL), asking a real scripted AuthService."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import grpc

from csms.auth.v1 import auth_pb2
from csms.transaction.v1 import transaction_pb2, transaction_pb2_grpc
from servicekit.channels import open_channel
from servicekit.migrations import upgrade
from tests.support.ports import free_port
from tests.transaction_svc.support.grpc_harness import (
    ACCEPTED,
    Harness,
    _settings,
    energy,
    expect_error,
    stamp,
    start_request,
)
from transaction_svc.server import start

Tx = transaction_pb2.Transaction
Event = transaction_pb2.RecordTransactionEventRequest
Info = auth_pb2.IdTokenInfo
Purpose = auth_pb2.AuthorizeRequest


def event(event_type: Any = Event.STARTED, seq_no: int = 0, **overrides: Any) -> Event:
    fields: dict[str, Any] = {
        "charge_point_id": "CP-1",
        "ocpp_version": "2.0.1",
        "event_type": event_type,
        "timestamp": stamp(seq_no),
        "trigger_reason": "MeterValuePeriodic",
        "seq_no": seq_no,
        "station_transaction_id": "ST-1",
        "evse_id": 1,
        "connector_id": 1,
    }
    return Event(**(fields | overrides))


async def get(h: Harness, transaction_id: int) -> Tx:
    return await h.stub.GetTransaction(transaction_pb2.GetTransactionRequest(id=transaction_id))


async def test_a_whole_session(harness: Harness) -> None:
    record = harness.stub.RecordTransactionEvent
    started = await record(
        event(
            trigger_reason="Authorized",
            id_tag="TAG-1",
            id_token_type="ISO14443",
            charging_state="EVConnected",
            meter_values=[energy(0, 1000, context="Transaction.Begin")],
        )
    )
    tx = started.transaction
    assert started.id_token_info == ACCEPTED
    # The token's type is stored with it (2.0.1 IdTokenType).
    assert (tx.id_tag, tx.id_token_type) == ("TAG-1", "ISO14443")
    assert harness.auth.requests[-1].purpose == Purpose.START_TRANSACTION
    # The type goes with the token to auth_svc, which compares both.
    assert harness.auth.requests[-1].id_token_type == "ISO14443"
    assert (tx.station_transaction_id, tx.charging_state, tx.ocpp_version) == (
        "ST-1",
        "EVConnected",
        "2.0.1",
    )
    assert (tx.id_tag, tx.meter_start_wh, tx.status) == ("TAG-1", 1000.0, Tx.ACTIVE)
    assert tx.authorization_status == Info.ACCEPTED

    updated = await record(
        event(Event.UPDATED, 1, charging_state="Charging", meter_values=[energy(30, 2500)])
    )
    assert not updated.HasField("id_token_info")
    assert (updated.transaction.energy_wh, updated.transaction.charging_state) == (
        1500.0,
        "Charging",
    )
    ended = await record(
        event(
            Event.ENDED,
            2,
            trigger_reason="EVCommunicationLost",
            stopped_reason=Tx.EV_DISCONNECTED,
            charging_state="Idle",
            meter_values=[energy(60, 4000, context="Transaction.End")],
        )
    )
    done = ended.transaction
    assert (done.id, done.status, done.stop_reason) == (tx.id, Tx.COMPLETED, Tx.EV_DISCONNECTED)
    assert (done.meter_stop_wh, done.energy_wh) == (4000.0, 3000.0)
    assert done.stopped_at == stamp(2)

    stored = await get(harness, tx.id)
    assert stored.station_transaction_id == "ST-1"
    assert stored.charging_state == "Idle"
    assert [v.timestamp for v in stored.meter_values] == [stamp(0), stamp(30), stamp(60)]
    listed = await harness.stub.ListTransactions(transaction_pb2.ListTransactionsRequest())
    assert [(t.id, t.station_transaction_id) for t in listed.transactions] == [(tx.id, "ST-1")]


async def test_a_repeated_seq_no_gets_the_same_answer(harness: Harness) -> None:
    record = harness.stub.RecordTransactionEvent
    first = await record(event(id_tag="TAG-1", meter_values=[energy(0, 1000)]))
    update = event(Event.UPDATED, 1, meter_values=[energy(30, 3000)])
    await record(update)
    asked = len(harness.auth.requests)
    harness.auth.decisions["TAG-1"] = Info(status=Info.BLOCKED)
    again = await record(event(id_tag="TAG-1", meter_values=[energy(0, 1000)]))
    assert again.id_token_info.status == Info.ACCEPTED
    assert again.transaction.id == first.transaction.id
    twice = await record(update)
    assert twice.transaction.energy_wh == 2000.0
    assert len(harness.auth.requests) == asked
    assert len((await get(harness, first.transaction.id)).meter_values) == 2


async def test_an_update_before_any_start_creates_the_transaction(
    harness: Harness,
) -> None:
    outcome = await harness.stub.RecordTransactionEvent(
        event(Event.UPDATED, 7, offline=True, meter_values=[energy(7, 2000)])
    )
    tx = outcome.transaction
    assert (tx.status, tx.started_at, tx.meter_start_wh) == (Tx.ACTIVE, stamp(7), 2000.0)
    assert (tx.id_tag, tx.authorization_status) == ("", Info.STATUS_UNSPECIFIED)
    assert not outcome.HasField("id_token_info")
    assert harness.auth.requests == []


async def test_ended_twice(harness: Harness) -> None:
    record = harness.stub.RecordTransactionEvent
    await record(event(meter_values=[energy(0, 1000)]))
    first = await record(event(Event.ENDED, 1, meter_values=[energy(60, 2000)]))
    assert first.transaction.stop_reason == Tx.LOCAL
    repeated = await record(event(Event.ENDED, 1, meter_values=[energy(60, 2000)]))
    later = await record(event(Event.ENDED, 2, meter_values=[energy(90, 9000)]))
    for outcome in (repeated, later):
        assert outcome.transaction.status == Tx.COMPLETED
        assert outcome.transaction.energy_wh == 1000.0
        assert outcome.transaction.stopped_at == stamp(1)


async def test_out_of_order_seq_nos(harness: Harness) -> None:
    record = harness.stub.RecordTransactionEvent
    await record(event(meter_values=[energy(0, 1000)]))
    await record(event(Event.UPDATED, 3, meter_values=[energy(30, 4000)]))
    late = await record(event(Event.UPDATED, 2, meter_values=[energy(20, 3000)]))
    assert late.transaction.energy_wh == 3000.0
    ended = await record(event(Event.ENDED, 4))
    assert (ended.transaction.meter_stop_wh, ended.transaction.energy_wh) == (4000.0, 3000.0)


async def test_an_id_token_in_an_update(harness: Harness) -> None:
    record = harness.stub.RecordTransactionEvent
    await record(event(charging_state="EVConnected"))
    outcome = await record(
        event(
            Event.UPDATED, 1, trigger_reason="Authorized", id_tag="TAG-1", id_token_type="Central"
        )
    )
    assert outcome.id_token_info == ACCEPTED
    assert outcome.transaction.id_tag == "TAG-1"
    assert outcome.transaction.id_token_type == "Central"
    assert outcome.transaction.authorization_status == Info.ACCEPTED
    stored = await get(harness, outcome.transaction.id)
    assert stored.id_token_type == "Central"
    request = harness.auth.requests[-1]
    assert (request.id_tag, request.purpose) == ("TAG-1", Purpose.AUTHORIZE)
    # auth_svc counts the transaction itself; that is no concurrent use.
    harness.auth.decisions["TAG-1"] = Info(status=Info.CONCURRENT_TX)
    again = await record(event(Event.UPDATED, 2, trigger_reason="Authorized", id_tag="TAG-1"))
    assert again.id_token_info.status == Info.ACCEPTED


async def test_a_1_6_transaction_still_works(harness: Harness) -> None:
    await harness.stub.RecordTransactionEvent(event())
    classic = (await harness.stub.StartTransaction(start_request(connector_id=2))).transaction
    assert (classic.station_transaction_id, classic.charging_state) == ("", "")
    stopped = await harness.stub.StopTransaction(
        transaction_pb2.StopTransactionRequest(
            charge_point_id="CP-1",
            transaction_id=classic.id,
            meter_stop_wh=3000,
            timestamp=stamp(9),
        )
    )
    assert (stopped.transaction.energy_wh, stopped.transaction.station_transaction_id) == (
        2000.0,
        "",
    )
    assert (await get(harness, classic.id)).station_transaction_id == ""


# One server for every case: each is refused before anything is stored.
WRONG_EVENTS: list[tuple[dict[str, Any], str]] = [
    ({"station_transaction_id": ""}, "station_transaction_id must not be empty"),
    ({"event_type": Event.EVENT_TYPE_UNSPECIFIED}, "event_type must be set"),
    ({"event_type": 9}, "event_type=9 is not a value this API defines"),
    ({"timestamp": None}, "timestamp must be set"),
    ({"stopped_reason": 99}, "stopped_reason=99 is not a value"),
    ({"seq_no": -1}, "seq_no must not be negative"),
]


async def test_wrong_events_are_refused(harness: Harness) -> None:
    for overrides, message in WRONG_EVENTS:
        await expect_error(
            harness.stub.RecordTransactionEvent(event(**overrides)),
            grpc.StatusCode.INVALID_ARGUMENT,
            message,
        )
    listed = await harness.stub.ListTransactions(transaction_pb2.ListTransactionsRequest())
    assert list(listed.transactions) == []


async def test_an_event_stores_nothing_when_auth_is_unreachable(
    database_url: str, tmp_path: Path
) -> None:
    await asyncio.to_thread(upgrade, "transaction", database_url)
    nowhere = f"127.0.0.1:{free_port()}"
    settings = _settings(tmp_path, database_url, nowhere)
    service = await start(settings.network, settings.storage, port=0)
    channel = open_channel(f"127.0.0.1:{service.port}")
    stub = transaction_pb2_grpc.TransactionServiceStub(channel)
    try:
        await expect_error(
            stub.RecordTransactionEvent(event(id_tag="TAG-1")),
            grpc.StatusCode.UNAVAILABLE,
            "auth service unavailable: UNAVAILABLE",
        )
        listed = await stub.ListTransactions(transaction_pb2.ListTransactionsRequest())
        assert list(listed.transactions) == []
    finally:
        await channel.close(grace=None)
        await service.stop()
