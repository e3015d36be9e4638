"""TransactionService end to end over gRPC: a real server on a migrated database, asking a
real (scripted) AuthService gRPC server for decisions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from csms.auth.v1 import auth_pb2, auth_pb2_grpc
from csms.common.v1 import health_pb2 as common_health_pb2
from csms.common.v1 import meter_pb2
from csms.transaction.v1 import transaction_pb2, transaction_pb2_grpc
from servicekit.channels import open_channel
from servicekit.grpc_server import Registration, RunningServer, start_server
from servicekit.migrations import upgrade
from servicekit.settings import Settings
from servicekit.timestamps import to_timestamp
from tests.support.ports import free_port
from tests.support.settings import with_network
from tests.support.transaction_factories import at
from transaction_svc.server import SERVICE_NAME, RunningService, start

Tx = transaction_pb2.Transaction
Info = auth_pb2.IdTokenInfo
Purpose = auth_pb2.AuthorizeRequest


class ScriptedAuthService(auth_pb2_grpc.AuthServiceServicer):
    """Answers Authorize from a dict (unknown tags are INVALID) and remembers each request."""

    def __init__(self, decisions: dict[str, Info]) -> None:
        self.decisions = decisions
        self.requests: list[auth_pb2.AuthorizeRequest] = []

    async def Authorize(
        self, request: auth_pb2.AuthorizeRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> auth_pb2.AuthorizeResponse:
        self.requests.append(request)
        info = self.decisions.get(request.id_tag, Info(status=Info.INVALID))
        return auth_pb2.AuthorizeResponse(id_token_info=info)


@dataclass
class Harness:
    stub: transaction_pb2_grpc.TransactionServiceAsyncStub
    channel: grpc.aio.Channel
    auth: ScriptedAuthService


ACCEPTED = Info(status=Info.ACCEPTED, expires_at=to_timestamp(at(10_000)), parent_id_tag="GROUP")


def stamp(minutes: float) -> Timestamp:
    result = to_timestamp(at(minutes))
    assert result is not None
    return result


def start_request(**overrides: Any) -> transaction_pb2.StartTransactionRequest:
    fields: dict[str, Any] = {
        "charge_point_id": "CP-1",
        "evse_id": 1,
        "connector_id": 1,
        "id_tag": "TAG-1",
        "meter_start_wh": 1000.0,
        "timestamp": stamp(0),
        "ocpp_version": "1.6",
    }
    return transaction_pb2.StartTransactionRequest(**(fields | overrides))


def energy(minutes: float, wh: float, **sample: Any) -> meter_pb2.MeterValue:
    return meter_pb2.MeterValue(
        timestamp=stamp(minutes),
        sampled_values=[meter_pb2.SampledValue(value=wh, unit="Wh", **sample)],
    )


async def _start_auth(auth: ScriptedAuthService) -> RunningServer:
    name = auth_pb2.DESCRIPTOR.services_by_name["AuthService"].full_name
    registration = Registration(auth, auth_pb2_grpc.add_AuthServiceServicer_to_server, name)
    return await start_server([registration], "127.0.0.1", 0)


def _settings(tmp_path: Path, database_url: str, auth_address: str) -> Settings:
    settings = Settings.from_env(
        {"CSMS_DATA_DIR": str(tmp_path), "CSMS_TRANSACTION_DATABASE_URL": database_url}
    )
    return with_network(settings, auth_address=auth_address, grpc_timeout=3.0)


@pytest.fixture
async def harness(database_url: str, tmp_path: Path) -> AsyncIterator[Harness]:
    await asyncio.to_thread(upgrade, "transaction", database_url)
    # The generated base declares every RPC abstract; the ones not overridden answer UNIMPLEMENTED.
    auth = ScriptedAuthService({"TAG-1": ACCEPTED})  # type: ignore[abstract]
    auth_server = await _start_auth(auth)
    settings = _settings(tmp_path, database_url, f"127.0.0.1:{auth_server.port}")
    service = await start(settings.network, settings.storage, port=0)
    channel = open_channel(f"127.0.0.1:{service.port}")
    try:
        yield Harness(transaction_pb2_grpc.TransactionServiceStub(channel), channel, auth)
    finally:
        await channel.close(grace=None)
        await service.stop()
        await auth_server.stop(grace=0)


async def expect_error(call: Any, code: grpc.StatusCode, message: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    assert caught.value.code() == code
    assert message in (caught.value.details() or "")


async def test_start_accepted(harness: Harness) -> None:
    # Reservation 3 is not one the CSMS holds: the transaction uses none.
    response = await harness.stub.StartTransaction(start_request(reservation_id=3))
    tx = response.transaction
    assert tx.id > 0
    assert (tx.charge_point_id, tx.connector_id, tx.id_tag) == ("CP-1", 1, "TAG-1")
    assert tx.status == Tx.ACTIVE
    assert tx.authorization_status == Info.ACCEPTED
    assert tx.started_at == stamp(0)
    assert (tx.reservation_id, tx.ocpp_version) == (0, "1.6")
    assert not tx.HasField("stopped_at")
    assert response.id_token_info == ACCEPTED
    request = harness.auth.requests[-1]
    assert (request.id_tag, request.charge_point_id) == ("TAG-1", "CP-1")
    assert request.purpose == Purpose.START_TRANSACTION


async def test_start_of_a_refused_tag_is_recorded(harness: Harness) -> None:
    response = await harness.stub.StartTransaction(start_request(id_tag="STRANGER"))
    assert response.id_token_info.status == Info.INVALID
    stored = await harness.stub.GetTransaction(
        transaction_pb2.GetTransactionRequest(id=response.transaction.id)
    )
    assert stored.status == Tx.ACTIVE
    assert stored.authorization_status == Info.INVALID


async def test_a_retried_start_answers_the_same_transaction(harness: Harness) -> None:
    first = await harness.stub.StartTransaction(start_request())
    again = await harness.stub.StartTransaction(start_request())
    assert again.transaction.id == first.transaction.id
    assert again.id_token_info.status == Info.ACCEPTED
    listed = await harness.stub.ListTransactions(transaction_pb2.ListTransactionsRequest())
    assert len(listed.transactions) == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"charge_point_id": ""}, "charge_point_id must not be empty"),
        ({"id_tag": ""}, "id_tag must not be empty"),
        ({"connector_id": -1}, "connector_id must not be negative"),
        ({"evse_id": -1}, "evse_id must not be negative"),
        ({"meter_start_wh": -5.0}, "meter_start_wh must not be negative"),
        ({"timestamp": None}, "timestamp must be set"),
    ],
)
async def test_start_refuses_wrong_requests(
    harness: Harness, overrides: dict[str, Any], message: str
) -> None:
    await expect_error(
        harness.stub.StartTransaction(start_request(**overrides)),
        grpc.StatusCode.INVALID_ARGUMENT,
        message,
    )
    assert harness.auth.requests == []


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


async def test_get_transaction_errors(harness: Harness) -> None:
    await expect_error(
        harness.stub.GetTransaction(transaction_pb2.GetTransactionRequest(id=4242)),
        grpc.StatusCode.NOT_FOUND,
        "transaction 4242 is not known",
    )
    await expect_error(
        harness.stub.GetTransaction(transaction_pb2.GetTransactionRequest()),
        grpc.StatusCode.INVALID_ARGUMENT,
        "id must be a positive transaction id",
    )


async def test_list_transactions_pages_and_filters(harness: Harness) -> None:
    ids = []
    for connector, cp in [(1, "CP-1"), (2, "CP-1"), (1, "CP-2"), (3, "CP-1")]:
        start = start_request(connector_id=connector, charge_point_id=cp)
        ids.append((await harness.stub.StartTransaction(start)).transaction.id)
    await harness.stub.RecordMeterValues(
        transaction_pb2.RecordMeterValuesRequest(
            charge_point_id="CP-1", transaction_id=ids[0], meter_values=[energy(1, 1500)]
        )
    )
    await harness.stub.StopTransaction(
        transaction_pb2.StopTransactionRequest(
            charge_point_id="CP-1", transaction_id=ids[1], meter_stop_wh=2000, timestamp=stamp(3)
        )
    )
    list_ = harness.stub.ListTransactions
    request = transaction_pb2.ListTransactionsRequest
    first = await list_(request(page_size=3))
    assert [t.id for t in first.transactions] == ids[::-1][:3]
    assert all(len(t.meter_values) == 0 for t in first.transactions)
    second = await list_(request(page_size=3, page_token=first.next_page_token))
    assert ([t.id for t in second.transactions], second.next_page_token) == ([ids[0]], "")

    cp1 = await list_(request(charge_point_id="CP-1", status=Tx.ACTIVE))
    assert [t.id for t in cp1.transactions] == [ids[3], ids[0]]
    completed = await list_(request(status=Tx.COMPLETED))
    assert [t.id for t in completed.transactions] == [ids[1]]

    await expect_error(
        list_(request(page_token="not a token!")),
        grpc.StatusCode.INVALID_ARGUMENT,
        "page_token is not a token this API gave out",
    )
    await expect_error(
        list_(request(page_size=-1)), grpc.StatusCode.INVALID_ARGUMENT, "page_size must not"
    )


async def test_count_active_transactions(harness: Harness) -> None:
    for connector in (1, 2):
        await harness.stub.StartTransaction(start_request(connector_id=connector))
    count = harness.stub.CountActiveTransactions
    request = transaction_pb2.CountActiveTransactionsRequest
    assert (await count(request(id_tag="TAG-1"))).count == 2
    assert (await count(request(id_tag="NOBODY"))).count == 0
    await expect_error(
        count(request()), grpc.StatusCode.INVALID_ARGUMENT, "id_tag must not be empty"
    )


async def test_health_and_reflection(harness: Harness) -> None:
    report = await harness.stub.GetHealth(common_health_pb2.GetHealthRequest())
    assert (report.component, report.status) == ("transaction", "SERVING")

    health = health_pb2_grpc.HealthStub(harness.channel)
    answer = await health.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME))
    assert answer.status == health_pb2.HealthCheckResponse.SERVING

    reflection = reflection_pb2_grpc.ServerReflectionStub(harness.channel)
    names: set[str] = set()
    async for response in reflection.ServerReflectionInfo(
        iter([reflection_pb2.ServerReflectionRequest(list_services="")])
    ):
        names |= {service.name for service in response.list_services_response.service}
    assert SERVICE_NAME in names


async def test_start_stores_nothing_when_auth_is_unreachable(
    database_url: str, tmp_path: Path
) -> None:
    await asyncio.to_thread(upgrade, "transaction", database_url)
    nowhere = f"127.0.0.1:{free_port()}"
    settings = _settings(tmp_path, database_url, nowhere)
    service: RunningService = await start(settings.network, settings.storage, port=0)
    channel = open_channel(f"127.0.0.1:{service.port}")
    stub = transaction_pb2_grpc.TransactionServiceStub(channel)
    try:
        await expect_error(
            stub.StartTransaction(start_request()),
            grpc.StatusCode.UNAVAILABLE,
            "auth service unavailable: UNAVAILABLE",
        )
        listed = await stub.ListTransactions(transaction_pb2.ListTransactionsRequest())
        assert list(listed.transactions) == []
    finally:
        await channel.close(grace=None)
        await service.stop()
