"""Composition root: builds the service from settings and serves it. Nothing is built at
import time, and migrations are not run here (``csms migrate``, ``csms up`` and the tests
do that)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from chargepoint_svc.adapters.sql import SqlUnitOfWork
from chargepoint_svc.domain import Admission
from chargepoint_svc.servicer import ChargePointServicer
from chargepoint_svc.station_reports import StationReportUseCases
from chargepoint_svc.use_cases import ChargePointUseCases
from csms.chargepoint.v1 import chargepoint_pb2, chargepoint_pb2_grpc
from servicekit.clock import SystemClock
from servicekit.database import create_engine
from servicekit.grpc_server import Registration, RunningServer, start_server
from servicekit.settings import Settings

SERVICE_NAME = chargepoint_pb2.DESCRIPTOR.services_by_name["ChargePointService"].full_name


@dataclass
class RunningService:
    port: int
    server: RunningServer
    engine: AsyncEngine

    async def stop(self) -> None:
        try:
            await self.server.stop(grace=2.0)
        finally:
            await self.engine.dispose()


async def start(settings: Settings, *, port: int | None = None) -> RunningService:
    """Serve ChargePointService on ``settings.internal_host`` (port 0: any free port)."""
    engine = create_engine(
        settings.chargepoint_database_url, "chargepoint", timeout=settings.grpc_timeout
    )
    admission = Admission(
        policy=settings.admission_policy,
        heartbeat_interval=settings.heartbeat_interval,
        boot_retry_interval=settings.boot_retry_interval,
        base_report=settings.base_report,
    )
    clock = SystemClock()
    servicer = ChargePointServicer(
        ChargePointUseCases(lambda: SqlUnitOfWork(engine), clock, admission),
        StationReportUseCases(lambda: SqlUnitOfWork(engine), clock, admission),
        engine,
    )
    try:
        server = await start_server(
            [
                Registration(
                    servicer,
                    chargepoint_pb2_grpc.add_ChargePointServiceServicer_to_server,
                    SERVICE_NAME,
                )
            ],
            settings.internal_host,
            settings.chargepoint_grpc_port if port is None else port,
        )
    except BaseException:
        await engine.dispose()
        raise
    return RunningService(port=server.port, server=server, engine=engine)
