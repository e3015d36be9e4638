"""CertificateAuthorityService through auth_svc's real server: the CA is created on the
first start (key readable by its owner only) and the same one used after a restart; a
refusal is an answer, a malformed request an INVALID_ARGUMENT."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from auth_svc.server import CERTIFICATE_SERVICE_NAME as SERVICE_NAME
from auth_svc.server import start
from csms.auth.v1 import certificates_pb2, certificates_pb2_grpc
from servicekit.channels import open_channel
from servicekit.security_settings import SettingsError
from servicekit.settings import Settings
from tests.support.certificates import common_name, csr_pem, verified_chain
from tests.support.databases import sqlite_url

if TYPE_CHECKING:
    from csms.auth.v1.certificates_pb2_grpc import CertificateAuthorityServiceAsyncStub as Stub

Request = certificates_pb2.SignChargePointCertificateRequest
Response = certificates_pb2.SignChargePointCertificateResponse


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[tuple[Stub, grpc.aio.Channel]]:
    """The real server; signing reads no table, so the database needs no migration."""
    service = await start(settings.network, settings.storage, settings.security, port=0)
    channel = open_channel(f"127.0.0.1:{service.port}")
    try:
        yield certificates_pb2_grpc.CertificateAuthorityServiceStub(channel), channel
    finally:
        await channel.close(None)
        await service.stop()


def settings_for(tmp_path: Path, **extra: str) -> Settings:
    return Settings.from_env(
        {
            "CSMS_DATA_DIR": str(tmp_path),
            "CSMS_AUTH_DATABASE_URL": sqlite_url(tmp_path, "auth"),
            "CSMS_STATION_CERT_DAYS": "10",
            **extra,
        }
    )


async def test_signs_with_the_ca_it_created_and_keeps_it(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    ca_cert, ca_key = settings.security.ca_cert, settings.security.ca_key
    assert not ca_cert.exists()
    async with serving(settings) as (stub, channel):
        reply = await stub.SignChargePointCertificate(
            Request(charge_point_id="CP-1", csr=csr_pem("CP-1")), timeout=10
        )
        health = health_pb2_grpc.HealthStub(channel)
        served = await health.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME))
    assert served.status == health_pb2.HealthCheckResponse.SERVING
    assert reply.status == Response.SIGNED
    assert ca_key.stat().st_mode & 0o777 == 0o600
    created = ca_cert.read_text()
    assert common_name(verified_chain(reply.certificate_chain, created)) == "CP-1"
    async with serving(settings) as (stub, _):
        again = await stub.SignChargePointCertificate(
            Request(charge_point_id="CP-2", csr=csr_pem("CP-2"), use=Request.CHARGE_POINT),
            timeout=10,
        )
    assert ca_cert.read_text() == created
    verified_chain(again.certificate_chain, created)


async def test_a_refusal_is_an_answer_and_a_bad_request_an_error(tmp_path: Path) -> None:
    async with serving(settings_for(tmp_path)) as (stub, _):
        refused = await stub.SignChargePointCertificate(
            Request(charge_point_id="CP-1", csr=csr_pem("CP-9")), timeout=10
        )
        assert refused.status == Response.REJECTED
        assert refused.certificate_chain == ""
        assert "it must be the charge point's identity 'CP-1'" in refused.reason
        v2g = await stub.SignChargePointCertificate(
            Request(charge_point_id="CP-1", csr=csr_pem("CP-1"), use=Request.V2G), timeout=10
        )
        assert v2g.status == Response.REJECTED
        for request in (Request(csr=csr_pem("CP-1")), Request(charge_point_id="CP-1", use=9)):  # type: ignore[arg-type]
            with pytest.raises(grpc.aio.AioRpcError) as raised:
                await stub.SignChargePointCertificate(request, timeout=10)
            assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_an_unreadable_ca_stops_the_start(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("not a certificate")
    settings = settings_for(
        tmp_path,
        CSMS_CA_CERT=str(tmp_path / "ca.pem"),
        CSMS_CA_KEY=str(tmp_path / "missing.key"),
    )
    with pytest.raises(SettingsError) as raised:
        await start(settings.network, settings.storage, settings.security, port=0)
    assert f"cannot be loaded from CSMS_CA_CERT={tmp_path / 'ca.pem'}" in str(raised.value)
