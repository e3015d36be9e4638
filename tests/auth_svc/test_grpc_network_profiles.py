"""Network profiles over gRPC: a real AuthService on a migrated database (SQLite and
PostgreSQL) sending SetNetworkProfile through a real (scripted) EdgeService, then the
handshakes that apply the upgrade (OCPP 2.0.1 B09, A05)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc
import pytest

from auth_svc.server import start
from csms.auth.v1 import auth_pb2, auth_pb2_grpc, network_profiles_pb2
from csms.edge.v1 import network_profiles_pb2 as edge_profiles
from servicekit.channels import open_channel
from servicekit.settings import Settings
from tests.auth_svc.support.fakes import FakeTransactionService
from tests.support.fake_edge import Failure, FakeEdge, serving
from tests.support.settings import with_network

if TYPE_CHECKING:
    from csms.auth.v1.auth_pb2_grpc import AuthServiceAsyncStub as Stub

Outcome = auth_pb2.AuthenticateChargePointResponse
Profile = network_profiles_pb2.NetworkProfile
PASSWORD = "sixteen-chars-ok"


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
                {"CSMS_DATA_DIR": str(tmp_path), "CSMS_AUTH_DATABASE_URL": migrated_url}
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


def _offer(slot: int, profile: int, url: str = "ws://csms/ocpp") -> Any:
    return network_profiles_pb2.SetNetworkProfileRequest(
        charge_point_id="CP-1",
        configuration_slot=slot,
        connection_data=edge_profiles.NetworkConnectionProfile(
            ocpp_csms_url=url,
            message_timeout=30,
            security_profile=profile,
            ocpp_interface="Wired0",
            apn=edge_profiles.Apn(apn="internet", apn_password="secret", apn_authentication="AUTO"),
        ),
    )


async def _authenticate(stub: Stub, *, password: str | None) -> int:
    request = auth_pb2.AuthenticateChargePointRequest(
        charge_point_id="CP-1",
        basic_auth=password is not None,
        username="CP-1",
        password=password or "",
    )
    return (await stub.AuthenticateChargePoint(request)).outcome


async def test_profile_0_to_1_is_applied_when_the_station_connects_with_it(
    harness: Harness,
) -> None:
    stub = harness.stub
    await stub.SetChargePointCredentials(
        auth_pb2.SetChargePointCredentialsRequest(
            charge_point_id="CP-1", security_profile=0, password=PASSWORD
        )
    )
    reply = await stub.SetNetworkProfile(_offer(2, 1))
    assert reply.profile.status == Profile.ACCEPTED
    assert reply.profile.connection_data.apn.apn == "internet"
    assert reply.profile.connection_data.apn.apn_password == ""  # never stored
    assert (reply.credentials.security_profile, reply.credentials.pending_security_profile) == (
        0,
        1,
    )
    (sent,) = harness.edge.requests_of(edge_profiles.SetNetworkProfileRequest)
    assert sent.configuration_slot == 2
    assert sent.connection_data.apn.apn_password == "secret"  # the station gets it

    # The old profile is in force until the station connects with the new one.
    assert await _authenticate(stub, password=None) == Outcome.ADMITTED
    shown = await stub.GetChargePointCredentials(
        auth_pb2.GetChargePointCredentialsRequest(charge_point_id="CP-1")
    )
    assert (shown.security_profile, shown.pending_security_profile) == (0, 1)

    assert await _authenticate(stub, password=PASSWORD) == Outcome.ADMITTED
    shown = await stub.GetChargePointCredentials(
        auth_pb2.GetChargePointCredentialsRequest(charge_point_id="CP-1")
    )
    assert (shown.security_profile, shown.pending_security_profile) == (1, 0)
    assert await _authenticate(stub, password=None) == Outcome.UNAUTHENTICATED

    listed = await stub.ListNetworkProfiles(
        network_profiles_pb2.ListNetworkProfilesRequest(charge_point_id="CP-1")
    )
    assert [
        (p.configuration_slot, p.connection_data.security_profile) for p in listed.profiles
    ] == [(2, 1)]


async def test_a_refused_profile_is_recorded(harness: Harness) -> None:
    harness.edge.answer("SetNetworkProfile", "REJECTED")
    reply = await harness.stub.SetNetworkProfile(_offer(7, 3, "wss://csms/ocpp"))
    assert reply.profile.status == Profile.REJECTED
    assert reply.credentials.pending_security_profile == 0


@pytest.mark.parametrize(
    ("request_", "code", "words"),
    [
        (_offer(0, 3), grpc.StatusCode.INVALID_ARGUMENT, "configuration_slot must be 1 or more"),
        (_offer(1, 1), grpc.StatusCode.INVALID_ARGUMENT, "has none: set it first"),
        (_offer(1, 5), grpc.StatusCode.INVALID_ARGUMENT, "must be 1, 2 or 3"),
        (
            network_profiles_pb2.SetNetworkProfileRequest(charge_point_id="CP-1"),
            grpc.StatusCode.INVALID_ARGUMENT,
            "connection_data is required",
        ),
    ],
)
async def test_bad_offers(
    harness: Harness, request_: Any, code: grpc.StatusCode, words: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await harness.stub.SetNetworkProfile(request_)
    assert caught.value.code() == code
    assert words in (caught.value.details() or "")
    assert harness.edge.requests == []


async def test_a_16_station_cannot(harness: Harness) -> None:
    harness.edge.answer(
        "SetNetworkProfile",
        Failure(grpc.StatusCode.UNIMPLEMENTED, "OCPP 1.6 has no SetNetworkProfile"),
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await harness.stub.SetNetworkProfile(_offer(1, 3, "wss://csms/ocpp"))
    assert caught.value.code() == grpc.StatusCode.UNIMPLEMENTED
    listed = await harness.stub.ListNetworkProfiles(
        network_profiles_pb2.ListNetworkProfilesRequest(charge_point_id="CP-1")
    )
    assert list(listed.profiles) == []
