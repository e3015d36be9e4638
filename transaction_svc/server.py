"""The composition root of the transaction service: settings in, a running gRPC server out.
Nothing is built at import time, and migrations are not run here (the launcher and the
tests apply them)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from csms.transaction.v1 import transaction_pb2, transaction_pb2_grpc
from servicekit.clock import SystemClock
from servicekit.database import create_engine
from servicekit.grpc_server import Registration, RunningServer, start_server
from servicekit.settings import Settings
from transaction_svc.adapters.auth_client import GrpcAuthorizer
from transaction_svc.adapters.sql import SqlUnitOfWork
from transaction_svc.servicer import TransactionServicer
from transaction_svc.use_cases import TransactionUseCases

SERVICE_NAME = transaction_pb2.DESCRIPTOR.services_by_name["TransactionService"].full_name


@dataclass
class RunningService:
    port: int
    server: RunningServer
    authorizer: GrpcAuthorizer
    engine: AsyncEngine

    async def stop(self) -> None:
        """Stop serving (2 s grace for calls in flight), then close what the calls used."""
        try:
            await self.server.stop(grace=2.0)
        finally:
            await self.authorizer.close()
            await self.engine.dispose()


async def start(settings: Settings, *, port: int | None = None) -> RunningService:
    """Serve TransactionService on ``settings.internal_host`` at ``port`` (default
    ``settings.transaction_grpc_port``; 0 picks a free one, see ``RunningService.port``)."""
    engine = create_engine(settings.transaction_database_url, "transaction")
    authorizer = GrpcAuthorizer(settings.auth_address, settings.grpc_timeout)
    use_cases = TransactionUseCases(lambda: SqlUnitOfWork(engine), SystemClock(), authorizer)
    servicer = TransactionServicer(use_cases, engine)
    try:
        server = await start_server(
            [
                Registration(
                    servicer,
                    transaction_pb2_grpc.add_TransactionServiceServicer_to_server,
                    SERVICE_NAME,
                )
            ],
            settings.internal_host,
            settings.transaction_grpc_port if port is None else port,
        )
    except BaseException:
        await authorizer.close()
        await engine.dispose()
        raise
    return RunningService(server.port, server, authorizer, engine)
