from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from csms.transaction.v1 import transaction_pb2_grpc
from servicekit.channels import open_channel
from servicekit.migrations import upgrade
from tests.transaction_svc.support.grpc_harness import (
    ACCEPTED,
    Harness,
    ScriptedAuthService,
    _settings,
    _start_auth,
)
from transaction_svc.server import start


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
