"""auth_svc's composition root: build the adapters, use cases and servicers from its parts
of the settings (network, storage, security: :mod:`servicekit.settings`), load the CA, then
serve.

Nothing is built at import time, and migrations are not run here (the launcher and the
tests apply them).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass

import grpc
from sqlalchemy.ext.asyncio import AsyncEngine

from auth_svc.adapters.edge_client import EdgeStations
from auth_svc.adapters.sql import SqlUnitOfWork
from auth_svc.adapters.transaction_client import TransactionServiceClient
from auth_svc.domain.certificate_signing import CertificateSigning
from auth_svc.servicer import AuthServicer, CertificateAuthorityServicer
from auth_svc.use_cases import CredentialUseCases, IdTagUseCases, LocalListUseCases
from auth_svc.use_cases.network_profiles import NetworkProfileUseCases
from csms.auth.v1 import auth_pb2, auth_pb2_grpc, certificates_pb2, certificates_pb2_grpc
from servicekit.channels import open_channel
from servicekit.clock import SystemClock
from servicekit.database import create_engine
from servicekit.grpc_server import Registration, RunningServer, start_server
from servicekit.network_settings import NetworkSettings
from servicekit.pki import ensure_authority
from servicekit.security_settings import SecuritySettings, SettingsError
from servicekit.storage_settings import StorageSettings

LOG = logging.getLogger(__name__)

SERVICE_NAME = auth_pb2.DESCRIPTOR.services_by_name["AuthService"].full_name
CERTIFICATE_SERVICE_NAME = certificates_pb2.DESCRIPTOR.services_by_name[
    "CertificateAuthorityService"
].full_name


@dataclass
class RunningService:
    port: int
    server: RunningServer
    engine: AsyncEngine
    transaction_channel: grpc.aio.Channel
    edge_channel: grpc.aio.Channel

    async def stop(self) -> None:
        try:
            await self.server.stop(grace=2.0)
        finally:
            await _close(self.transaction_channel, self.edge_channel, self.engine)


async def _close(
    transaction_channel: grpc.aio.Channel, edge_channel: grpc.aio.Channel, engine: AsyncEngine
) -> None:
    try:
        await transaction_channel.close(None)
        await edge_channel.close(None)
    finally:
        await engine.dispose()


async def start(
    network: NetworkSettings,
    storage: StorageSettings,
    security: SecuritySettings,
    *,
    port: int | None = None,
) -> RunningService:
    """Serve AuthService on ``network.internal_host`` and ``port`` (default: the
    configured auth port; 0 picks a free one, see ``RunningService.port``)."""
    # First: a CA that cannot be read stops the start before anything is opened.
    certificates = await certificate_authority(security)
    engine = create_engine(storage.auth_database_url, "auth", timeout=network.grpc_timeout)
    channel = open_channel(network.transaction_address)
    edge_channel = open_channel(network.edge_address)
    unit_of_work = functools.partial(SqlUnitOfWork, engine)
    clock = SystemClock()
    use_cases = IdTagUseCases(
        unit_of_work, clock, TransactionServiceClient(channel, network.grpc_timeout)
    )
    stations = EdgeStations(edge_channel, network.grpc_timeout)
    local_list = LocalListUseCases(unit_of_work, clock, stations)
    credentials = CredentialUseCases(
        unit_of_work,
        clock,
        stations,
        minimum_profile=security.min_security_profile,
    )
    network_profiles = NetworkProfileUseCases(unit_of_work, clock, stations)
    servicer = AuthServicer(
        use_cases,
        local_list,
        credentials,
        engine,
        network_profiles=network_profiles,
        minimum_profile=security.min_security_profile,
    )
    try:
        server = await start_server(
            [
                Registration(
                    servicer, auth_pb2_grpc.add_AuthServiceServicer_to_server, SERVICE_NAME
                ),
                certificates,
            ],
            network.internal_host,
            network.auth_grpc_port if port is None else port,
        )
    except BaseException:
        await _close(channel, edge_channel, engine)
        raise
    LOG.info(
        "auth service listening host=%s port=%d transaction_address=%s edge_address=%s",
        network.internal_host,
        server.port,
        network.transaction_address,
        network.edge_address,
    )
    return RunningService(server.port, server, engine, channel, edge_channel)


async def certificate_authority(security: SecuritySettings) -> Registration:
    """CertificateAuthorityService's registration, with the CSMS CA loaded from
    ``CSMS_CA_CERT`` and ``CSMS_CA_KEY`` (created there first when neither file exists:
    embedded mode). :class:`SettingsError` when they cannot be read."""
    try:
        authority = await asyncio.to_thread(ensure_authority, security.ca_cert, security.ca_key)
    except (OSError, ValueError) as error:
        raise SettingsError(
            f"the CSMS CA cannot be loaded from CSMS_CA_CERT={security.ca_cert} and "
            f"CSMS_CA_KEY={security.ca_key} (both files, or neither to create a new CA): "
            f"{error}"
        ) from error
    LOG.info("certificate authority loaded from %s", security.ca_cert)
    servicer = CertificateAuthorityServicer(
        CertificateSigning(authority, security.station_cert_days)
    )
    return Registration(
        servicer,
        certificates_pb2_grpc.add_CertificateAuthorityServiceServicer_to_server,
        CERTIFICATE_SERVICE_NAME,
    )
