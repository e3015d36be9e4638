from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc
import pytest

from auth_svc.adapters.transaction_client import TransactionServiceClient
from auth_svc.errors import TransactionServiceFailed, TransactionServiceUnavailable
from servicekit.channels import open_channel
from tests.auth_svc.support.fakes import FakeTransactionService
from tests.support.ports import free_port


@pytest.fixture
async def channel(
    transaction_server: tuple[FakeTransactionService, str],
) -> AsyncIterator[grpc.aio.Channel]:
    channel = open_channel(transaction_server[1])
    yield channel
    await channel.close(None)


async def test_counts_active_transactions(
    transaction_server: tuple[FakeTransactionService, str], channel: grpc.aio.Channel
) -> None:
    fake, _ = transaction_server
    fake.counts["TAG1"] = 2
    client = TransactionServiceClient(channel, timeout=5)
    assert await client.count_active("TAG1") == 2
    assert await client.count_active("OTHER") == 0
    assert fake.asked == ["TAG1", "OTHER"]


async def test_nobody_listening_is_unavailable() -> None:
    channel = open_channel(f"127.0.0.1:{free_port()}")
    try:
        client = TransactionServiceClient(channel, timeout=5)
        with pytest.raises(
            TransactionServiceUnavailable, match=r"^transaction service unavailable: UNAVAILABLE"
        ):
            await client.count_active("TAG1")
    finally:
        await channel.close(None)


async def test_missed_deadline_is_unavailable(
    transaction_server: tuple[FakeTransactionService, str], channel: grpc.aio.Channel
) -> None:
    fake, _ = transaction_server
    fake.hold = asyncio.Event()  # never set: the call outlives its deadline
    client = TransactionServiceClient(channel, timeout=0.2)
    with pytest.raises(
        TransactionServiceUnavailable, match=r"^transaction service unavailable: DEADLINE_EXCEEDED"
    ):
        await client.count_active("TAG1")


async def test_other_errors_are_reported_as_failures(
    transaction_server: tuple[FakeTransactionService, str], channel: grpc.aio.Channel
) -> None:
    fake, _ = transaction_server
    fake.failure = grpc.StatusCode.INTERNAL
    client = TransactionServiceClient(channel, timeout=5)
    with pytest.raises(TransactionServiceFailed, match="INTERNAL: the fake was told to fail"):
        await client.count_active("TAG1")
