"""The Stations adapter against a real (scripted) EdgeService gRPC server: requests as the
edge expects them, and the edge's errors passed on with their status.

Every status of the edge's contract and the error it becomes is tested once, in
``tests/servicekit/test_edge_errors.py``; here a few show that each call passes them on."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import grpc
import pytest

from csms.edge.v1 import operations_pb2
from servicekit.channels import open_channel
from servicekit.edge_errors import (
    EdgeUnavailable,
    StationDidNotAnswer,
    StationNotConnected,
    StationRefused,
)
from servicekit.errors import ServiceError
from servicekit.timestamps import to_timestamp
from tests.support.fake_edge import (
    CALL_ERROR,
    NO_ANSWER,
    NOT_CONNECTED,
    EdgeWithClient,
    Failure,
    edge_with_client,
)
from tests.support.ports import free_port
from tests.support.transaction_factories import a_reservation, at
from transaction_svc.adapters.edge_client import EdgeStations

Edge = EdgeWithClient[EdgeStations]


@pytest.fixture
async def edge() -> AsyncIterator[Edge]:
    async with edge_with_client(lambda channel: EdgeStations(channel, timeout=2.0)) as served:
        yield served


async def test_reserve_now_sends_the_reservation(edge: Edge) -> None:
    edge.fake.answer("ReserveNow", "OCCUPIED")
    reservation = a_reservation(id=77, evse_id=2, parent_id_tag=None)
    assert await edge.stations.reserve_now(reservation) == "OCCUPIED"
    by_type = a_reservation(evse_id=0, connector_type="cCCS2", id_token_type="eMAID")
    assert await edge.stations.reserve_now(by_type) == "ACCEPTED"
    assert edge.fake.requests[0] == operations_pb2.ReserveNowRequest(
        charge_point_id="CP-1",
        evse_id=2,
        expires_at=to_timestamp(at(60)),
        id_tag="TAG-1",
        parent_id_tag="",
        reservation_id=77,
        id_token_type="ISO14443",
    )
    sent = edge.fake.requests[1]
    assert isinstance(sent, operations_pb2.ReserveNowRequest)
    assert (sent.evse_id, sent.connector_type, sent.id_token_type) == (0, "cCCS2", "eMAID")


async def test_cancel_reservation(edge: Edge) -> None:
    edge.fake.answer("CancelReservation", "ACCEPTED", "REJECTED")
    assert await edge.stations.cancel_reservation("CP-1", 5) is True
    assert await edge.stations.cancel_reservation("CP-1", 6) is False
    assert edge.fake.requests == [
        operations_pb2.CancelReservationRequest(charge_point_id="CP-1", reservation_id=5),
        operations_pb2.CancelReservationRequest(charge_point_id="CP-1", reservation_id=6),
    ]


@pytest.mark.parametrize(
    ("failure", "error", "code", "message"),
    [
        (NOT_CONNECTED, StationNotConnected, grpc.StatusCode.NOT_FOUND, "is not connected"),
        (NO_ANSWER, StationDidNotAnswer, grpc.StatusCode.DEADLINE_EXCEEDED, "did not answer"),
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
    edge.fake.answer("ReserveNow", failure)
    edge.fake.answer("CancelReservation", failure)
    with pytest.raises(error, match=re.escape(message)) as caught:
        await edge.stations.reserve_now(a_reservation())
    assert caught.value.status is code
    with pytest.raises(error, match=re.escape(message)):
        await edge.stations.cancel_reservation("CP-1", 5)


async def test_a_station_slower_than_the_deadline(edge: Edge) -> None:
    edge.fake.hold = asyncio.Event()
    channel = open_channel(edge.address)
    try:
        slow = EdgeStations(channel, timeout=0.2)
        with pytest.raises(StationDidNotAnswer, match="CP-1 did not answer in time"):
            await slow.reserve_now(a_reservation())
    finally:
        await channel.close(grace=None)


async def test_an_unreachable_edge_is_unavailable() -> None:
    channel = open_channel(f"127.0.0.1:{free_port()}")
    try:
        stations = EdgeStations(channel, timeout=2.0)
        with pytest.raises(EdgeUnavailable, match="the OCPP edge is unavailable") as caught:
            await stations.cancel_reservation("CP-1", 5)
        assert caught.value.status is grpc.StatusCode.UNAVAILABLE
    finally:
        await channel.close(grace=None)
