"""TransactionService end to end over gRPC: reading transactions back (get, list, count), and
the service's health and reflection, on a real server with a migrated database."""

from __future__ import annotations

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from csms.common.v1 import health_pb2 as common_health_pb2
from csms.transaction.v1 import transaction_pb2
from tests.transaction_svc.support.grpc_harness import (
    Harness,
    Tx,
    energy,
    expect_error,
    stamp,
    start_request,
)
from transaction_svc.server import SERVICE_NAME


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
        start = start_request(evse_id=connector, connector_id=connector, charge_point_id=cp)
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
        await harness.stub.StartTransaction(
            start_request(evse_id=connector, connector_id=connector)
        )
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


async def test_list_transactions_by_id_tag_and_start_time(harness: Harness) -> None:
    ids = []
    for minute, connector in [(0, 1), (10, 2), (20, 3)]:
        start = start_request(evse_id=connector, connector_id=connector, timestamp=stamp(minute))
        ids.append((await harness.stub.StartTransaction(start)).transaction.id)
    list_ = harness.stub.ListTransactions
    request = transaction_pb2.ListTransactionsRequest
    window = await list_(request(started_after=stamp(10), started_before=stamp(30), page_size=1))
    assert ([t.id for t in window.transactions], window.total_size) == ([ids[2]], 2)
    rest = await list_(
        request(
            started_after=stamp(10),
            started_before=stamp(30),
            page_size=1,
            page_token=window.next_page_token,
        )
    )
    assert ([t.id for t in rest.transactions], rest.next_page_token) == ([ids[1]], "")
    tagged = await list_(request(id_tag="TAG-1"))
    assert ([t.id for t in tagged.transactions], tagged.total_size) == (ids[::-1], 3)
    assert (await list_(request(id_tag="TAG-2"))).total_size == 0
    await expect_error(
        list_(request(id_tag="TAG-1", page_token=window.next_page_token)),
        grpc.StatusCode.INVALID_ARGUMENT,
        "page_token was given out for other filters",
    )
    await expect_error(
        list_(request(started_after=stamp(10), started_before=stamp(5))),
        grpc.StatusCode.INVALID_ARGUMENT,
        "started_before must be after started_after",
    )
