"""The composition root of the transaction service: its parts of the settings (network and
storage, :mod:`servicekit.settings`) in, a running gRPC server out.
Nothing is built at import time, and migrations are not run here (the launcher and the
tests apply them)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

import grpc
from sqlalchemy.ext.asyncio import AsyncEngine

from csms.transaction.v1 import transaction_pb2, transaction_pb2_grpc
from servicekit.channels import open_channel
from servicekit.clock import SystemClock
from servicekit.database import create_engine
from servicekit.grpc_server import Registration, RunningServer, start_server
from servicekit.network_settings import NetworkSettings
from servicekit.purge import purge_periodically
from servicekit.storage_settings import StorageSettings
from transaction_svc.adapters.auth_client import GrpcAuthorizer
from transaction_svc.adapters.edge_client import EdgeStations
from transaction_svc.adapters.sql import SqlUnitOfWork
from transaction_svc.retention import Retention, TransactionPurge
from transaction_svc.servicer import TransactionServicer
from transaction_svc.use_cases import (
    OrphanReportUseCases,
    ReservationUseCases,
    TransactionEventUseCases,
    TransactionUseCases,
)
from transaction_svc.use_cases.closures import TransactionClosures

SERVICE_NAME = transaction_pb2.DESCRIPTOR.services_by_name["TransactionService"].full_name


@dataclass
class RunningService:
    port: int
    server: RunningServer
    authorizer: GrpcAuthorizer
    edge_channel: grpc.aio.Channel
    engine: AsyncEngine
    # Holds what stations make it keep beyond transactions to its bounds; cancelled by stop().
    purge: asyncio.Task[None] = field(repr=False)

    async def stop(self) -> None:
        """Stop serving (2 s grace for calls in flight), then close what the calls used."""
        self.purge.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.purge
        try:
            await self.server.stop(grace=2.0)
        finally:
            await self._close(self.authorizer, self.edge_channel, self.engine)

    @staticmethod
    async def _close(
        authorizer: GrpcAuthorizer, edge_channel: grpc.aio.Channel, engine: AsyncEngine
    ) -> None:
        try:
            await authorizer.close()
            await edge_channel.close(grace=None)
        finally:
            await engine.dispose()


async def start(
    network: NetworkSettings,
    storage: StorageSettings,
    *,
    port: int | None = None,
    purge_interval: float | None = None,
) -> RunningService:
    """Serve TransactionService on ``network.internal_host`` at ``port`` (default
    ``network.transaction_grpc_port``; 0 picks a free one, see ``RunningService.port``),
    and purge what stations made it keep beyond their transactions every
    ``purge_interval`` seconds (None: CSMS_PURGE_INTERVAL)."""
    engine = create_engine(
        storage.transaction_database_url, "transaction", timeout=network.grpc_timeout
    )
    authorizer = GrpcAuthorizer(network.auth_address, network.grpc_timeout)
    edge_channel = open_channel(network.edge_address)
    clock = SystemClock()
    use_cases = TransactionUseCases(lambda: SqlUnitOfWork(engine), clock, authorizer)
    stations = EdgeStations(edge_channel, network.grpc_timeout)
    reservations = ReservationUseCases(lambda: SqlUnitOfWork(engine), clock, stations, authorizer)
    events = TransactionEventUseCases(lambda: SqlUnitOfWork(engine), clock, authorizer)
    orphans = OrphanReportUseCases(lambda: SqlUnitOfWork(engine), clock)
    closures = TransactionClosures(lambda: SqlUnitOfWork(engine), clock, stations)
    servicer = TransactionServicer(
        use_cases, reservations, engine, events, orphans, closures=closures
    )
    try:
        server = await start_server(
            [
                Registration(
                    servicer,
                    transaction_pb2_grpc.add_TransactionServiceServicer_to_server,
                    SERVICE_NAME,
                )
            ],
            network.internal_host,
            network.transaction_grpc_port if port is None else port,
        )
    except BaseException:
        await RunningService._close(authorizer, edge_channel, engine)
        raise
    bounds = Retention(storage.orphan_reports_max, storage.loose_meter_values_max)
    interval = storage.purge_interval if purge_interval is None else purge_interval
    purge = asyncio.create_task(
        purge_periodically(TransactionPurge(lambda: SqlUnitOfWork(engine), bounds), interval)
    )
    return RunningService(server.port, server, authorizer, edge_channel, engine, purge)
