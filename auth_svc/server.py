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
from collections.abc import Callable
from dataclasses import dataclass

import grpc
from cryptography import x509
from sqlalchemy.ext.asyncio import AsyncEngine

from auth_svc.adapters.contract_certificate_service import HttpContractCertificateService
from auth_svc.adapters.crl_source import HttpCrlSource
from auth_svc.adapters.edge_client import EdgeStations
from auth_svc.adapters.ocsp_responder import HttpOcspResponder
from auth_svc.adapters.sql import SqlUnitOfWork
from auth_svc.adapters.transaction_client import TransactionServiceClient
from auth_svc.contract_servicer import ContractCertificateServicer
from auth_svc.domain.certificate_signing import CertificateSigning, V2gAuthority
from auth_svc.ports import UnitOfWork
from auth_svc.servicer import AuthServicer, CertificateAuthorityServicer
from auth_svc.use_cases import CredentialUseCases, IdTagUseCases, LocalListUseCases
from auth_svc.use_cases.certificate_chain_status import CertificateChainStatus
from auth_svc.use_cases.contract_certificates import ContractCertificates
from auth_svc.use_cases.network_profiles import NetworkProfileUseCases
from csms.auth.v1 import (
    auth_pb2,
    auth_pb2_grpc,
    certificates_pb2,
    certificates_pb2_grpc,
    contract_certificates_pb2,
    contract_certificates_pb2_grpc,
)
from servicekit.channels import open_channel
from servicekit.clock import Clock, SystemClock
from servicekit.database import create_engine
from servicekit.grpc_server import Registration, RunningServer, start_server
from servicekit.network_settings import NetworkSettings
from servicekit.pki import ensure_authority, load_authority
from servicekit.plug_and_charge_settings import PlugAndChargeSettings
from servicekit.security_settings import SecuritySettings, SettingsError
from servicekit.storage_settings import StorageSettings

LOG = logging.getLogger(__name__)

SERVICE_NAME = auth_pb2.DESCRIPTOR.services_by_name["AuthService"].full_name
CERTIFICATE_SERVICE_NAME = certificates_pb2.DESCRIPTOR.services_by_name[
    "CertificateAuthorityService"
].full_name


CONTRACT_SERVICE_NAME = contract_certificates_pb2.DESCRIPTOR.services_by_name[
    "ContractCertificateService"
].full_name
# An outside party (OCSP responder, contract certificate service) gets this share of the
# deadline of the call that asks it, so that the station hears Failed rather than a
# timeout from the edge.
OUTSIDE_CALL_SHARE = 0.4
# GetCertificateChainStatus tries a station's URLs in turn: all of them within this share.
CHAIN_STATUS_SHARE = 0.7


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
    contract_certificates = await plug_and_charge(
        security.plug_and_charge, unit_of_work, use_cases, clock, network.grpc_timeout
    )
    chain_status = CertificateChainStatus(
        HttpOcspResponder(network.grpc_timeout * OUTSIDE_CALL_SHARE),
        HttpCrlSource(network.grpc_timeout * OUTSIDE_CALL_SHARE),
        clock,
        trusted=await trusted_certificates(security.plug_and_charge),
        responder_url=security.plug_and_charge.ocsp_responder_url,
        budget=network.grpc_timeout * CHAIN_STATUS_SHARE,
    )
    servicer = AuthServicer(
        use_cases,
        local_list,
        credentials,
        engine,
        network_profiles=network_profiles,
        minimum_profile=security.min_security_profile,
        contract_certificates=contract_certificates,
    )
    try:
        server = await start_server(
            [
                Registration(
                    servicer, auth_pb2_grpc.add_AuthServiceServicer_to_server, SERVICE_NAME
                ),
                certificates,
                Registration(
                    ContractCertificateServicer(contract_certificates, chain_status),
                    contract_certificates_pb2_grpc.add_ContractCertificateServiceServicer_to_server,
                    CONTRACT_SERVICE_NAME,
                ),
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
    v2g = await v2g_authority(security.plug_and_charge)
    servicer = CertificateAuthorityServicer(
        CertificateSigning(authority, security.station_cert_days, v2g)
    )
    return Registration(
        servicer,
        certificates_pb2_grpc.add_CertificateAuthorityServiceServicer_to_server,
        CERTIFICATE_SERVICE_NAME,
    )


async def v2g_authority(settings: PlugAndChargeSettings) -> V2gAuthority | None:
    """The V2G sub-CA from ``CSMS_V2G_CA_CERT``/``CSMS_V2G_CA_KEY``, None when neither is
    set; :class:`SettingsError` when only one is, or they cannot be read."""
    if settings.v2g_ca_cert is None and settings.v2g_ca_key is None:
        return None
    if settings.v2g_ca_cert is None or settings.v2g_ca_key is None:
        raise SettingsError("CSMS_V2G_CA_CERT and CSMS_V2G_CA_KEY go together: set both or neither")
    cert, key = settings.v2g_ca_cert, settings.v2g_ca_key
    try:
        authority = await asyncio.to_thread(load_authority, cert, key)
        chain = await asyncio.to_thread(cert.read_text)
    except (OSError, ValueError) as error:
        raise SettingsError(
            f"the V2G CA cannot be loaded from CSMS_V2G_CA_CERT={cert} and "
            f"CSMS_V2G_CA_KEY={key}: {error}"
        ) from error
    LOG.info("V2G certificate authority loaded from %s", cert)
    return V2gAuthority(authority, chain)


async def plug_and_charge(
    settings: PlugAndChargeSettings,
    unit_of_work: Callable[[], UnitOfWork],
    id_tags: IdTagUseCases,
    clock: Clock,
    deadline: float,
) -> ContractCertificates:
    """The ISO 15118 use cases over HTTP adapters to the configured outside parties."""
    roots = await trusted_certificates(settings)
    timeout = deadline * OUTSIDE_CALL_SHARE
    service = (
        HttpContractCertificateService(settings.contract_certificate_url, timeout)
        if settings.contract_certificate_url
        else None
    )
    return ContractCertificates(
        unit_of_work,
        id_tags,
        HttpOcspResponder(timeout),
        clock,
        roots=roots,
        responder_url=settings.ocsp_responder_url,
        contract_service=service,
    )


async def trusted_certificates(settings: PlugAndChargeSettings) -> list[x509.Certificate]:
    """``CSMS_V2G_ROOT_CERTS``: the V2G/MO roots (and any sub-CAs given with them)."""
    if settings.v2g_root_certs is None:
        return []
    path = settings.v2g_root_certs
    try:
        return x509.load_pem_x509_certificates(await asyncio.to_thread(path.read_bytes))
    except (OSError, ValueError) as error:
        raise SettingsError(
            f"CSMS_V2G_ROOT_CERTS={path} is not a readable PEM file of certificates: {error}"
        ) from error
