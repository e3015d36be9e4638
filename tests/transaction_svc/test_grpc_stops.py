"""TransactionService end to end over gRPC: stopping transactions and recording meter values,
including the stops and meter values of no transaction of the station's (orphan reports), on a
real server with a migrated database and a real (scripted) AuthService gRPC server."""

from __future__ import annotations

import grpc

from csms.common.v1 import meter_pb2
from csms.transaction.v1 import transaction_pb2
from tests.transaction_svc.support.grpc_harness import (
    ACCEPTED,
    Harness,
    Purpose,
    Tx,
    energy,
    expect_error,
    stamp,
    start_request,
)


async def test_stop_with_transaction_data_and_id_tag(harness: Harness) -> None:
    started = (await harness.stub.StartTransaction(start_request())).transaction
    data = [
        energy(0, 1000, context="Transaction.Begin"),
        meter_pb2.MeterValue(
            timestamp=stamp(60),
            sampled_values=[
                meter_pb2.SampledValue(value=5.5, unit="kWh", context="Transaction.End"),
                meter_pb2.SampledValue(value=231.0, measurand="Voltage", unit="V", phase="L1"),
            ],
        ),
    ]
    response = await harness.stub.StopTransaction(
        transaction_pb2.StopTransactionRequest(
            charge_point_id="CP-1",
            transaction_id=started.id,
            meter_stop_wh=5500.0,
            timestamp=stamp(60),
            reason=Tx.EV_DISCONNECTED,
            id_tag="TAG-1",
            meter_values=data,
        )
    )
    tx = response.transaction
    assert (tx.status, tx.energy_wh, tx.meter_stop_wh) == (Tx.COMPLETED, 4500.0, 5500.0)
    assert (tx.stop_reason, tx.stop_id_tag, tx.stopped_at) == (
        Tx.EV_DISCONNECTED,
        "TAG-1",
        stamp(60),
    )
    assert response.id_token_info == ACCEPTED
    assert harness.auth.requests[-1].purpose == Purpose.STOP_TRANSACTION

    stored = await harness.stub.GetTransaction(transaction_pb2.GetTransactionRequest(id=tx.id))
    assert list(stored.meter_values) == data


async def test_stop_without_reason_or_id_tag(harness: Harness) -> None:
    started = (await harness.stub.StartTransaction(start_request())).transaction
    request = transaction_pb2.StopTransactionRequest(
        charge_point_id="CP-1", transaction_id=started.id, meter_stop_wh=900.0, timestamp=stamp(9)
    )
    asked = len(harness.auth.requests)
    response = await harness.stub.StopTransaction(request)
    assert response.transaction.stop_reason == Tx.LOCAL
    assert response.transaction.energy_wh == 0.0
    assert not response.HasField("id_token_info")
    assert len(harness.auth.requests) == asked

    again = await harness.stub.StopTransaction(
        transaction_pb2.StopTransactionRequest(
            charge_point_id="CP-1",
            transaction_id=started.id,
            meter_stop_wh=99_000.0,
            timestamp=stamp(20),
            meter_values=[energy(20, 99_000)],
        )
    )
    assert again.transaction == response.transaction
    stored = await harness.stub.GetTransaction(transaction_pb2.GetTransactionRequest(id=started.id))
    assert list(stored.meter_values) == []


async def test_stops_and_meter_values_of_no_transaction_of_theirs_are_orphan_reports(
    harness: Harness,
) -> None:
    started = (await harness.stub.StartTransaction(start_request())).transaction
    foreign = transaction_pb2.StopTransactionRequest(
        charge_point_id="CP-2",
        transaction_id=started.id,
        meter_stop_wh=4000.0,
        timestamp=stamp(5),
        reason=Tx.REMOTE,
        id_tag="TAG-1",
        meter_values=[energy(5, 4000)],
    )
    answered = await harness.stub.StopTransaction(foreign)
    assert not answered.HasField("transaction")
    assert answered.HasField("id_token_info")
    assert answered.orphan_report_id > 0
    # Retried (answer lost): the same answer, kept once.
    assert await harness.stub.StopTransaction(foreign) == answered
    await harness.stub.RecordMeterValues(
        transaction_pb2.RecordMeterValuesRequest(
            charge_point_id="CP-7", evse_id=1, transaction_id=4242, meter_values=[energy(12, 1)]
        )
    )
    owner = await harness.stub.GetTransaction(transaction_pb2.GetTransactionRequest(id=started.id))
    assert owner.status == Tx.ACTIVE and list(owner.meter_values) == []

    listed = await harness.stub.ListOrphanReports(transaction_pb2.ListOrphanReportsRequest())
    meter, stop = listed.orphan_reports
    Orphan = transaction_pb2.OrphanReport
    assert (stop.id, stop.charge_point_id, stop.transaction_id) == (
        answered.orphan_report_id,
        "CP-2",
        started.id,
    )
    assert (stop.kind, stop.cause) == (
        Orphan.STOP_TRANSACTION,
        Orphan.TRANSACTION_OF_ANOTHER_CHARGE_POINT,
    )
    assert (stop.meter_stop_wh, stop.stop_reason, stop.id_tag) == (4000.0, Tx.REMOTE, "TAG-1")
    assert stop.stopped_at == stamp(5)
    assert [v.sampled_values[0].value for v in stop.meter_values] == [4000.0]
    assert stop.HasField("received_at")
    assert (meter.kind, meter.cause, meter.charge_point_id, meter.transaction_id) == (
        Orphan.METER_VALUES,
        Orphan.TRANSACTION_UNKNOWN,
        "CP-7",
        4242,
    )
    assert (
        await harness.stub.GetOrphanReport(transaction_pb2.GetOrphanReportRequest(id=stop.id))
        == stop
    )
    first = await harness.stub.ListOrphanReports(
        transaction_pb2.ListOrphanReportsRequest(page_size=1)
    )
    assert [o.id for o in first.orphan_reports] == [meter.id]
    rest = await harness.stub.ListOrphanReports(
        transaction_pb2.ListOrphanReportsRequest(page_size=1, page_token=first.next_page_token)
    )
    assert [o.id for o in rest.orphan_reports] == [stop.id] and not rest.next_page_token
    of_cp2 = await harness.stub.ListOrphanReports(
        transaction_pb2.ListOrphanReportsRequest(charge_point_id="CP-2")
    )
    assert [o.id for o in of_cp2.orphan_reports] == [stop.id]
    # An operator reconciles one, once; the data stays as it came.
    reconciled = await harness.stub.ReconcileOrphanReport(
        transaction_pb2.ReconcileOrphanReportRequest(
            id=stop.id, note="station B swapped with A; refunded", transaction_id=started.id
        )
    )
    assert reconciled.HasField("reconciled_at")
    assert (reconciled.reconciliation_note, reconciled.reconciled_transaction_id) == (
        "station B swapped with A; refunded",
        started.id,
    )
    assert reconciled.meter_values == stop.meter_values
    assert (
        await harness.stub.GetOrphanReport(transaction_pb2.GetOrphanReportRequest(id=stop.id))
        == reconciled
    )
    open_ones = await harness.stub.ListOrphanReports(
        transaction_pb2.ListOrphanReportsRequest(unreconciled=True)
    )
    assert [o.id for o in open_ones.orphan_reports] == [meter.id]
    reconcile = transaction_pb2.ReconcileOrphanReportRequest
    for request, code, message in (
        (reconcile(id=stop.id, note="again"), grpc.StatusCode.FAILED_PRECONDITION, "already"),
        (reconcile(id=meter.id), grpc.StatusCode.INVALID_ARGUMENT, "note must have 1 to 1000"),
        (
            reconcile(id=meter.id, note="x" * 1001),
            grpc.StatusCode.INVALID_ARGUMENT,
            "note must have 1 to 1000 characters, got 1001",
        ),
        (
            reconcile(id=meter.id, note="n", transaction_id=4242),
            grpc.StatusCode.NOT_FOUND,
            "transaction 4242 is not known",
        ),
        (reconcile(id=999, note="n"), grpc.StatusCode.NOT_FOUND, "orphan report 999"),
    ):
        await expect_error(harness.stub.ReconcileOrphanReport(request), code, message)
    assert not (
        await harness.stub.GetOrphanReport(transaction_pb2.GetOrphanReportRequest(id=meter.id))
    ).HasField("reconciled_at")
    await expect_error(
        harness.stub.GetOrphanReport(transaction_pb2.GetOrphanReportRequest(id=999)),
        grpc.StatusCode.NOT_FOUND,
        "orphan report 999 is not known",
    )
    await expect_error(
        harness.stub.GetOrphanReport(transaction_pb2.GetOrphanReportRequest()),
        grpc.StatusCode.INVALID_ARGUMENT,
        "id must be a positive orphan report id",
    )


async def test_stop_errors(harness: Harness) -> None:
    started = (await harness.stub.StartTransaction(start_request())).transaction
    await expect_error(
        harness.stub.StopTransaction(
            transaction_pb2.StopTransactionRequest(
                charge_point_id="CP-1", transaction_id=started.id
            )
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "timestamp must be set",
    )
    await expect_error(
        harness.stub.StopTransaction(
            transaction_pb2.StopTransactionRequest(
                charge_point_id="CP-1",
                transaction_id=started.id,
                timestamp=stamp(5),
                reason=Tx.StopReason.ValueType(999),
            )
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "reason=999 is not a value this API defines",
    )


async def test_record_meter_values(harness: Harness) -> None:
    started = (await harness.stub.StartTransaction(start_request())).transaction
    await harness.stub.RecordMeterValues(
        transaction_pb2.RecordMeterValuesRequest(
            charge_point_id="CP-1",
            evse_id=1,
            connector_id=1,
            transaction_id=started.id,
            meter_values=[
                energy(5, 1800),
                energy(10, 2600, measurand="Energy.Active.Import.Register"),
                energy(10, 900, phase="L1"),
            ],
        )
    )
    await harness.stub.RecordMeterValues(
        transaction_pb2.RecordMeterValuesRequest(
            charge_point_id="CP-1", connector_id=1, meter_values=[energy(11, 7)]
        )
    )
    stored = await harness.stub.GetTransaction(transaction_pb2.GetTransactionRequest(id=started.id))
    assert stored.energy_wh == 1600.0
    assert [len(v.sampled_values) for v in stored.meter_values] == [1, 2]

    await expect_error(
        harness.stub.RecordMeterValues(
            transaction_pb2.RecordMeterValuesRequest(
                charge_point_id="CP-1", meter_values=[meter_pb2.MeterValue()]
            )
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "meter_values[0].timestamp must be set",
    )
