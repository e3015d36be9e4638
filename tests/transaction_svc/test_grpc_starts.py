"""TransactionService end to end over gRPC: starting transactions, on a real server with a
migrated database asking a real (scripted) AuthService gRPC server for decisions, and what a
start stores when that server cannot be reached."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import grpc
import pytest

from csms.transaction.v1 import transaction_pb2, transaction_pb2_grpc
from servicekit.channels import open_channel
from servicekit.migrations import upgrade
from tests.support.ports import free_port
from tests.transaction_svc.support.grpc_harness import (
    ACCEPTED,
    Harness,
    Info,
    Purpose,
    Tx,
    _settings,
    expect_error,
    stamp,
    start_request,
)
from transaction_svc.server import RunningService, start


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
