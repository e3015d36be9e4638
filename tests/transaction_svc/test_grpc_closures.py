"""Transactions the CSMS ends itself (issue 13): EndTransaction, and the close of a
transaction its station superseded on the same EVSE, over gRPC on a real server with a
migrated database (SQLite and PostgreSQL)."""

from __future__ import annotations

import grpc

from csms.transaction.v1 import closure_pb2, transaction_pb2
from tests.transaction_svc.support.grpc_harness import (
    Harness,
    Tx,
    energy,
    expect_error,
    stamp,
    start_request,
)
from tests.transaction_svc.test_grpc_events import event

End = closure_pb2.EndTransactionRequest
Cause = closure_pb2.Closure


async def active_count(harness: Harness, id_tag: str = "TAG-1") -> int:
    request = transaction_pb2.CountActiveTransactionsRequest(id_tag=id_tag)
    return (await harness.stub.CountActiveTransactions(request)).count


async def test_an_operator_ends_a_transaction_its_station_forgot(harness: Harness) -> None:
    started = (await harness.stub.StartTransaction(start_request())).transaction
    await harness.stub.RecordMeterValues(
        transaction_pb2.RecordMeterValuesRequest(
            charge_point_id="CP-1", transaction_id=started.id, meter_values=[energy(5, 1800)]
        )
    )
    assert await active_count(harness) == 1

    ended = await harness.stub.EndTransaction(
        End(id=started.id, reason="station replaced on site", ended_by="alice")
    )

    assert ended.status == Tx.COMPLETED
    assert ended.stop_reason == Tx.ENDED_BY_CSMS
    assert (ended.closure.cause, ended.closure.reason, ended.closure.ended_by) == (
        Cause.OPERATOR,
        "station replaced on site",
        "alice",
    )
    # The last reading the CSMS had is its stop reading.
    assert (ended.meter_stop_wh, ended.energy_wh) == (1800.0, 800.0)
    assert ended.HasField("stopped_at")
    assert await active_count(harness) == 0
    stored = await harness.stub.GetTransaction(transaction_pb2.GetTransactionRequest(id=started.id))
    assert stored.closure == ended.closure
    assert stored.stopped_at == ended.stopped_at

    # The same end again (a retry): the same answer, nothing changed.
    again = await harness.stub.EndTransaction(
        End(id=started.id, reason="station replaced on site", ended_by="alice")
    )
    assert again == ended
    await expect_error(
        harness.stub.EndTransaction(End(id=started.id, reason="another reason")),
        grpc.StatusCode.FAILED_PRECONDITION,
        f"transaction {started.id} is already completed (stopped at",
    )

    # The station's late stop is kept, the end stays.
    late = await harness.stub.StopTransaction(
        transaction_pb2.StopTransactionRequest(
            charge_point_id="CP-1",
            transaction_id=started.id,
            meter_stop_wh=2500,
            timestamp=stamp(9),
        )
    )
    assert late.orphan_report_id > 0
    assert late.transaction.stop_reason == Tx.ENDED_BY_CSMS
    orphan = await harness.stub.GetOrphanReport(
        transaction_pb2.GetOrphanReportRequest(id=late.orphan_report_id)
    )
    assert (orphan.cause, orphan.transaction_id, orphan.meter_stop_wh) == (
        transaction_pb2.OrphanReport.TRANSACTION_COMPLETED,
        started.id,
        2500,
    )
    stored = await harness.stub.GetTransaction(transaction_pb2.GetTransactionRequest(id=started.id))
    assert (stored.stop_reason, stored.meter_stop_wh) == (Tx.ENDED_BY_CSMS, 1800.0)


async def test_a_transaction_its_station_stopped_is_not_ended(harness: Harness) -> None:
    started = (await harness.stub.StartTransaction(start_request())).transaction
    await harness.stub.StopTransaction(
        transaction_pb2.StopTransactionRequest(
            charge_point_id="CP-1",
            transaction_id=started.id,
            meter_stop_wh=2000,
            timestamp=stamp(3),
        )
    )
    await expect_error(
        harness.stub.EndTransaction(End(id=started.id, reason="stale")),
        grpc.StatusCode.FAILED_PRECONDITION,
        "is already completed (stopped at",
    )


async def test_bad_ends_are_refused(harness: Harness) -> None:
    started = (await harness.stub.StartTransaction(start_request())).transaction
    await expect_error(
        harness.stub.EndTransaction(End(id=started.id)),
        grpc.StatusCode.INVALID_ARGUMENT,
        "reason is required",
    )
    await expect_error(
        harness.stub.EndTransaction(End(id=started.id, reason="x" * 1001)),
        grpc.StatusCode.INVALID_ARGUMENT,
        "reason is 1001 characters long; at most 1000",
    )
    await expect_error(
        harness.stub.EndTransaction(End(id=started.id, reason="r", ended_by="b" * 101)),
        grpc.StatusCode.INVALID_ARGUMENT,
        "ended_by is 101 characters long",
    )
    await expect_error(
        harness.stub.EndTransaction(End(id=0, reason="r")),
        grpc.StatusCode.INVALID_ARGUMENT,
        "id must be a positive transaction id",
    )
    await expect_error(
        harness.stub.EndTransaction(End(id=999, reason="r")),
        grpc.StatusCode.NOT_FOUND,
        "999",
    )
    assert await active_count(harness) == 1


async def test_a_16_start_on_the_same_evse_closes_the_one_left_open(harness: Harness) -> None:
    first = (await harness.stub.StartTransaction(start_request())).transaction
    other_evse = (
        await harness.stub.StartTransaction(start_request(evse_id=2, timestamp=stamp(1)))
    ).transaction
    second = (await harness.stub.StartTransaction(start_request(timestamp=stamp(2)))).transaction

    closed = await harness.stub.GetTransaction(transaction_pb2.GetTransactionRequest(id=first.id))
    assert (closed.status, closed.stop_reason) == (Tx.COMPLETED, Tx.ENDED_BY_CSMS)
    assert closed.closure.cause == Cause.SUPERSEDED
    assert closed.closure.ended_by == "csms"
    assert f"started transaction {second.id} on EVSE 1" in closed.closure.reason
    untouched = await harness.stub.GetTransaction(
        transaction_pb2.GetTransactionRequest(id=other_evse.id)
    )
    assert untouched.status == Tx.ACTIVE


async def test_a_2x_start_on_the_same_evse_closes_the_one_left_open(harness: Harness) -> None:
    record = harness.stub.RecordTransactionEvent
    first = (await record(event(station_transaction_id="ST-A"))).transaction
    second = (await record(event(station_transaction_id="ST-B", seq_no=1))).transaction

    closed = await harness.stub.GetTransaction(transaction_pb2.GetTransactionRequest(id=first.id))
    assert (closed.status, closed.closure.cause) == (Tx.COMPLETED, Cause.SUPERSEDED)
    assert second.status == Tx.ACTIVE
    # Its late Ended event is recorded and answered; the closure stays.
    Event = transaction_pb2.RecordTransactionEventRequest
    late = await record(event(Event.ENDED, seq_no=2, station_transaction_id="ST-A"))
    assert late.transaction.closure.cause == Cause.SUPERSEDED
