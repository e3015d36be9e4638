"""Composition root: builds the service from its parts of the settings (network, storage,
charge point policy: :mod:`servicekit.settings`) and serves it. Nothing is built at import
time, and migrations are not run here (``csms migrate``, ``csms up`` and the tests
do that)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta

import grpc
from sqlalchemy.ext.asyncio import AsyncEngine

from chargepoint_svc.adapters.edge_firmware import EdgeFirmwareStations
from chargepoint_svc.adapters.edge_monitors import EdgeMonitors
from chargepoint_svc.adapters.edge_profiles import EdgeStationProfiles
from chargepoint_svc.adapters.edge_requests import EdgeRequests
from chargepoint_svc.adapters.edge_stations import EdgeStations
from chargepoint_svc.adapters.sql import SqlUnitOfWork
from chargepoint_svc.domain.charge_point import Admission
from chargepoint_svc.retention import Retention, StoragePurge
from chargepoint_svc.servicer import ChargePointServicer
from chargepoint_svc.use_cases import ChargePointUseCases
from chargepoint_svc.use_cases.display_messages import DisplayMessageUseCases
from chargepoint_svc.use_cases.firmware import FirmwareUseCases
from chargepoint_svc.use_cases.message_journal import MessageJournal
from chargepoint_svc.use_cases.monitoring import MonitoringUseCases
from chargepoint_svc.use_cases.profile_library import ProfileLibrary
from chargepoint_svc.use_cases.registration import RegistrationUseCases
from chargepoint_svc.use_cases.smart_charging import SmartChargingUseCases
from chargepoint_svc.use_cases.station_reports import StationReportUseCases
from chargepoint_svc.use_cases.station_requests import StationRequestUseCases
from csms.chargepoint.v1 import chargepoint_pb2, chargepoint_pb2_grpc
from servicekit.channels import open_channel
from servicekit.charge_point_policy import ChargePointPolicy
from servicekit.clock import SystemClock
from servicekit.database import create_engine
from servicekit.grpc_server import Registration, RunningServer, start_server
from servicekit.network_settings import NetworkSettings
from servicekit.purge import purge_periodically
from servicekit.storage_settings import StorageSettings

SERVICE_NAME = chargepoint_pb2.DESCRIPTOR.services_by_name["ChargePointService"].full_name

LOG = logging.getLogger(__name__)


@dataclass
class RunningService:
    port: int
    server: RunningServer
    engine: AsyncEngine
    # Holds every per-station record to its bounds; owned here, cancelled by stop().
    purge: asyncio.Task[None] = field(repr=False)
    # To the edge, for the operations this service sends stations (monitors, registration,
    # station requests, charging profiles, firmware; ADR 0005); closed by stop().
    edge_channel: grpc.aio.Channel | None = field(default=None, repr=False)

    async def stop(self) -> None:
        self.purge.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.purge
        try:
            await self.server.stop(grace=2.0)
        finally:
            if self.edge_channel is not None:
                await self.edge_channel.close(grace=None)
            await self.engine.dispose()


async def start(
    network: NetworkSettings,
    storage: StorageSettings,
    charge_points: ChargePointPolicy,
    *,
    port: int | None = None,
    purge_interval: float | None = None,
) -> RunningService:
    """Serve ChargePointService on ``network.internal_host`` (port 0: any free port), and
    purge what stations made it store every ``purge_interval`` seconds (None:
    CSMS_PURGE_INTERVAL)."""
    engine = create_engine(
        storage.chargepoint_database_url, "chargepoint", timeout=network.grpc_timeout
    )
    admission = Admission(
        policy=charge_points.admission_policy,
        heartbeat_interval=charge_points.heartbeat_interval,
        boot_retry_interval=charge_points.boot_retry_interval,
        base_report=charge_points.base_report,
    )
    clock = SystemClock()
    retention = timedelta(hours=storage.journal_retention_hours)
    journal = MessageJournal(lambda: SqlUnitOfWork(engine), clock, retention)
    # Lazy: nothing connects until an operator's change needs the edge.
    edge_channel = open_channel(network.edge_address)
    monitoring = MonitoringUseCases(
        lambda: SqlUnitOfWork(engine),
        clock,
        admission,
        EdgeMonitors(edge_channel, network.grpc_timeout),
    )
    stations = EdgeStations(edge_channel, network.grpc_timeout)
    request_calls = EdgeRequests(edge_channel, network.grpc_timeout)
    requests = StationRequestUseCases(lambda: SqlUnitOfWork(engine), clock, request_calls)
    servicer = ChargePointServicer(
        ChargePointUseCases(lambda: SqlUnitOfWork(engine), clock, admission),
        StationReportUseCases(lambda: SqlUnitOfWork(engine), clock, admission),
        engine,
        journal,
        monitoring=monitoring,
        registration=RegistrationUseCases(lambda: SqlUnitOfWork(engine), clock, stations),
        requests=requests,
        display=DisplayMessageUseCases(lambda: SqlUnitOfWork(engine), request_calls, requests),
        smart_charging=SmartChargingUseCases(
            lambda: SqlUnitOfWork(engine), clock, admission, charge_points.site_limit_w
        ),
        library=ProfileLibrary(
            lambda: SqlUnitOfWork(engine),
            clock,
            EdgeStationProfiles(edge_channel, network.grpc_timeout),
        ),
        firmware=FirmwareUseCases(
            lambda: SqlUnitOfWork(engine),
            clock,
            admission,
            EdgeFirmwareStations(edge_channel, network.grpc_timeout),
        ),
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
            network.internal_host,
            network.chargepoint_grpc_port if port is None else port,
        )
    except BaseException:
        await edge_channel.close(grace=None)
        await engine.dispose()
        raise
    bounds = Retention(
        journal_bytes=storage.journal_max_bytes,
        station_events=storage.station_events_max,
        device_model=storage.device_model_max,
    )
    interval = storage.purge_interval if purge_interval is None else purge_interval
    purge = asyncio.create_task(
        purge_periodically(StoragePurge(lambda: SqlUnitOfWork(engine), journal, bounds), interval)
    )
    return RunningService(
        port=server.port, server=server, engine=engine, purge=purge, edge_channel=edge_channel
    )
