"""Charge point credentials over gRPC: a real AuthService on a migrated database (SQLite
and PostgreSQL), changing passwords through a real (scripted) EdgeService."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import pytest

from auth_svc.server import start
from csms.auth.v1 import auth_pb2, auth_pb2_grpc
from csms.edge.v1 import operations_pb2
from servicekit.channels import open_channel
from servicekit.settings import Settings
from tests.auth_svc.support.fakes import FakeTransactionService
from tests.support.fake_edge import NOT_CONNECTED, FakeEdge, serving
from tests.support.settings import with_network

if TYPE_CHECKING:
    from csms.auth.v1.auth_pb2_grpc import AuthServiceAsyncStub as Stub

Outcome = auth_pb2.AuthenticateChargePointResponse
PASSWORD = "sixteen-chars-ok"
NEW_PASSWORD = "another-password-2"


@dataclass
class Harness:
    stub: Stub
    edge: FakeEdge


@pytest.fixture
async def harness(
    tmp_path: Path, migrated_url: str, transaction_server: tuple[FakeTransactionService, str]
) -> AsyncIterator[Harness]:
    edge = FakeEdge()  # type: ignore[abstract]  # serves the operations under test only
    async with serving(edge) as edge_address:
        settings = with_network(
            Settings.from_env(
                {
                    "CSMS_DATA_DIR": str(tmp_path),
                    "CSMS_AUTH_DATABASE_URL": migrated_url,
                    "CSMS_MIN_SECURITY_PROFILE": "1",
                }
            ),
            transaction_address=transaction_server[1],
            edge_address=edge_address,
            grpc_timeout=3.0,
        )
        service = await start(settings.network, settings.storage, settings.security, port=0)
        channel = open_channel(f"127.0.0.1:{service.port}")
        try:
            yield Harness(auth_pb2_grpc.AuthServiceStub(channel), edge)
        finally:
            await channel.close(None)
            await service.stop()


async def _authenticate(stub: Stub, password: str | None, **fields: object) -> Outcome:
    request = auth_pb2.AuthenticateChargePointRequest(
        charge_point_id="CP-1",
        basic_auth=password is not None,
        username="CP-1",
        password=password or "",
        **fields,  # type: ignore[arg-type]
    )
    return await stub.AuthenticateChargePoint(request)


async def test_set_get_and_authenticate(harness: Harness) -> None:
    stub = harness.stub
    unset = await stub.GetChargePointCredentials(
        auth_pb2.GetChargePointCredentialsRequest(charge_point_id="CP-1")
    )
    assert (unset.security_profile, unset.effective_security_profile, unset.password_set) == (
        0,
        1,
        False,
    )
    assert not unset.HasField("updated_at")
    set_ = await stub.SetChargePointCredentials(
        auth_pb2.SetChargePointCredentialsRequest(
            charge_point_id="CP-1", security_profile=2, password=PASSWORD
        )
    )
    assert (set_.security_profile, set_.effective_security_profile, set_.password_set) == (
        2,
        2,
        True,
    )
    assert PASSWORD not in str(set_)
    # Again (an upsert), the profile only.
    again = await stub.SetChargePointCredentials(
        auth_pb2.SetChargePointCredentialsRequest(charge_point_id="CP-1", security_profile=1)
    )
    assert (again.security_profile, again.password_set) == (1, True)

    admitted = await _authenticate(stub, PASSWORD)
    assert (admitted.outcome, admitted.reason, admitted.security_profile) == (
        Outcome.ADMITTED,
        "",
        1,
    )
    wrong = await _authenticate(stub, "not-the-password-at-all")
    assert (wrong.outcome, wrong.reason) == (
        Outcome.UNAUTHENTICATED,
        "wrong password for charge point CP-1",
    )
    certificate = await _authenticate(stub, None, tls=True, client_certificate_cn="CP-2")
    assert certificate.outcome == Outcome.FORBIDDEN


async def test_invalid_credentials_are_invalid_argument(harness: Harness) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await harness.stub.SetChargePointCredentials(
            auth_pb2.SetChargePointCredentialsRequest(charge_point_id="CP-1", security_profile=1)
        )
    assert raised.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "security profile 1 authenticates with a password" in (raised.value.details() or "")


async def test_change_password_through_the_edge(harness: Harness) -> None:
    stub, edge = harness.stub, harness.edge
    await stub.SetChargePointCredentials(
        auth_pb2.SetChargePointCredentialsRequest(
            charge_point_id="CP-1", security_profile=1, password=PASSWORD
        )
    )
    changed = await stub.ChangeChargePointPassword(
        auth_pb2.ChangeChargePointPasswordRequest(charge_point_id="CP-1", password=NEW_PASSWORD)
    )
    assert changed.password_set and not changed.password_change_pending
    (sent,) = edge.requests_of(operations_pb2.SetBasicAuthPasswordRequest)
    assert (sent.charge_point_id, sent.password) == ("CP-1", NEW_PASSWORD)
    assert (await _authenticate(stub, NEW_PASSWORD)).outcome == Outcome.ADMITTED
    assert (await _authenticate(stub, PASSWORD)).outcome == Outcome.UNAUTHENTICATED

    edge.answer("SetBasicAuthPassword", "REJECTED", NOT_CONNECTED)
    with pytest.raises(grpc.aio.AioRpcError) as rejected:
        await stub.ChangeChargePointPassword(
            auth_pb2.ChangeChargePointPasswordRequest(charge_point_id="CP-1", password=PASSWORD)
        )
    assert rejected.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert "answered REJECTED to the new password" in (rejected.value.details() or "")
    with pytest.raises(grpc.aio.AioRpcError) as offline:
        await stub.ChangeChargePointPassword(
            auth_pb2.ChangeChargePointPasswordRequest(charge_point_id="CP-1", password=PASSWORD)
        )
    assert offline.value.code() is grpc.StatusCode.NOT_FOUND
    assert (await _authenticate(stub, NEW_PASSWORD)).outcome == Outcome.ADMITTED
