"""A real gRPC TransactionService that answers CountActiveTransactions from a dict.

auth_svc's gRPC tests talk to it over a socket, as they would to transaction_svc (which
has its own tests); only CountActiveTransactions is served.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import grpc

from csms.transaction.v1 import transaction_pb2, transaction_pb2_grpc


class FakeTransactionService(transaction_pb2_grpc.TransactionServiceServicer):
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        # Every id_tag asked about, in order: tests check who was (not) asked.
        self.asked: list[str] = []
        # When set, calls fail with this code; when ``hold`` is set, calls wait on it.
        self.failure: grpc.StatusCode | None = None
        self.hold: asyncio.Event | None = None

    async def CountActiveTransactions(
        self,
        request: transaction_pb2.CountActiveTransactionsRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> transaction_pb2.CountActiveTransactionsResponse:
        self.asked.append(request.id_tag)
        if self.failure is not None:
            await context.abort(self.failure, "the fake was told to fail")
        if self.hold is not None:
            await self.hold.wait()
        return transaction_pb2.CountActiveTransactionsResponse(
            count=self.counts.get(request.id_tag, 0)
        )


@asynccontextmanager
async def fake_transaction_server() -> AsyncIterator[tuple[FakeTransactionService, str]]:
    """The fake, serving on a free loopback port, and its ``host:port``."""
    fake = FakeTransactionService()  # type: ignore[abstract]  # serves one RPC only
    server = grpc.aio.server()
    transaction_pb2_grpc.add_TransactionServiceServicer_to_server(fake, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        yield fake, f"127.0.0.1:{port}"
    finally:
        await server.stop(0)
