"""The Stations adapter against a real (scripted) EdgeService gRPC server: the list as the
edge expects it, and the edge's errors passed on with their status.

Every status of the edge's contract and the error it becomes is tested once, in
``tests/servicekit/test_edge_errors.py``; here a few show that each call passes them on."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import grpc
import pytest

from auth_svc.adapters.edge_client import EdgeStations, status_from_proto
from auth_svc.domain.id_tag import AuthorizationStatus
from auth_svc.domain.local_list import LocalAuthorization, UpdateEntry, UpdateStatus, UpdateType
from auth_svc.domain.network_profiles import ProfileStatus
from csms.edge.v1 import network_profiles_pb2, operations_pb2
from servicekit.channels import open_channel
from servicekit.edge_errors import (
    EdgeUnavailable,
    StationDidNotAnswer,
    StationNotConnected,
    StationRefused,
    StationWentAway,
)
from servicekit.errors import ServiceError
from servicekit.timestamps import to_timestamp
from tests.support.fake_edge import (
    CALL_ERROR,
    NO_ANSWER,
    NOT_CONNECTED,
    WENT_AWAY,
    EdgeWithClient,
    Failure,
    edge_with_client,
)
from tests.support.ports import free_port

EXPIRY = datetime(2030, 1, 1, tzinfo=UTC)
Pb = operations_pb2.SendLocalListRequest
Auth = operations_pb2.LocalAuthorization


Edge = EdgeWithClient[EdgeStations]


@pytest.fixture
async def edge() -> AsyncIterator[Edge]:
    async with edge_with_client(lambda channel: EdgeStations(channel, timeout=2.0)) as served:
        yield served


async def test_the_list_is_sent_as_the_edge_expects(edge: Edge) -> None:
    edge.fake.answer("SendLocalList", "ACCEPTED", "VERSION_MISMATCH")
    entries = [
        UpdateEntry("A", LocalAuthorization(AuthorizationStatus.EXPIRED, EXPIRY, "P")),
        UpdateEntry("B", None, "eMAID"),
    ]
    status = await edge.stations.send_local_list("CP-1", 7, UpdateType.DIFFERENTIAL, entries)
    assert status is UpdateStatus.ACCEPTED
    again = await edge.stations.send_local_list("CP-1", 7, UpdateType.FULL, [])
    assert again is UpdateStatus.VERSION_MISMATCH
    first, second = edge.fake.requests_of(Pb)
    assert first == Pb(
        charge_point_id="CP-1",
        version=7,
        update_type=Pb.DIFFERENTIAL,
        entries=[
            operations_pb2.LocalListEntry(
                id_tag="A",
                authorization=Auth(
                    status=Auth.EXPIRED, expires_at=to_timestamp(EXPIRY), parent_id_tag="P"
                ),
                id_token_type="ISO14443",
            ),
            operations_pb2.LocalListEntry(id_tag="B", id_token_type="eMAID"),
        ],
    )
    assert not first.entries[1].HasField("authorization")
    assert second == Pb(charge_point_id="CP-1", version=7, update_type=Pb.FULL)


def test_an_answer_this_service_does_not_know_is_a_failure() -> None:
    assert status_from_proto(operations_pb2.SendLocalListResponse.STATUS_UNSPECIFIED) is (
        UpdateStatus.FAILED
    )
    assert status_from_proto(42) is UpdateStatus.FAILED
    assert status_from_proto(operations_pb2.SendLocalListResponse.NOT_SUPPORTED) is (
        UpdateStatus.NOT_SUPPORTED
    )


@pytest.mark.parametrize(
    ("failure", "error", "code", "message"),
    [
        (NOT_CONNECTED, StationNotConnected, grpc.StatusCode.NOT_FOUND, "is not connected"),
        (NO_ANSWER, StationDidNotAnswer, grpc.StatusCode.DEADLINE_EXCEEDED, "did not answer"),
        (WENT_AWAY, StationWentAway, grpc.StatusCode.ABORTED, "closed its connection before"),
        (
            CALL_ERROR,
            StationRefused,
            grpc.StatusCode.FAILED_PRECONDITION,
            "CALLERROR NotSupported: not supported by this station",
        ),
    ],
)
async def test_edge_errors_keep_their_status(
    edge: Edge, failure: Failure, error: type[ServiceError], code: grpc.StatusCode, message: str
) -> None:
    edge.fake.answer("SendLocalList", failure)
    with pytest.raises(error, match=re.escape(message)) as caught:
        await edge.stations.send_local_list("CP-1", 1, UpdateType.FULL, [])
    assert caught.value.status is code


async def test_a_station_slower_than_the_deadline(edge: Edge) -> None:
    edge.fake.hold = asyncio.Event()
    channel = open_channel(edge.address)
    try:
        slow = EdgeStations(channel, timeout=0.2)
        with pytest.raises(StationDidNotAnswer, match="CP-1 did not answer in time"):
            await slow.send_local_list("CP-1", 1, UpdateType.FULL, [])
    finally:
        await channel.close(grace=None)


async def test_an_unreachable_edge_is_unavailable() -> None:
    channel = open_channel(f"127.0.0.1:{free_port()}")
    try:
        stations = EdgeStations(channel, timeout=2.0)
        with pytest.raises(EdgeUnavailable, match="the OCPP edge is unavailable"):
            await stations.send_local_list("CP-1", 1, UpdateType.FULL, [])
    finally:
        await channel.close(grace=None)


# Issue 13: network profiles.


async def test_a_network_profile_is_sent_as_the_edge_expects(edge: Edge) -> None:
    edge.fake.answer("SetNetworkProfile", "ACCEPTED", "FAILED")
    connection = {
        "ocppCsmsUrl": "wss://csms/ocpp",
        "messageTimeout": 30,
        "securityProfile": 2,
        "ocppInterface": "Wired0",
        "vpn": {"server": "v", "user": "u", "password": "p", "key": "k", "type": "IPSec"},
    }
    assert await edge.stations.set_network_profile("CP-1", 2, connection) is ProfileStatus.ACCEPTED
    assert await edge.stations.set_network_profile("CP-1", 3, connection) is ProfileStatus.FAILED
    first, _second = edge.fake.requests_of(network_profiles_pb2.SetNetworkProfileRequest)
    assert (first.charge_point_id, first.configuration_slot) == ("CP-1", 2)
    assert first.connection_data.security_profile == 2
    assert first.connection_data.vpn.password == "p"
