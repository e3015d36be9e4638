"""chargepoint_svc's edge client against a real gRPC EdgeService that answers from a
script: what each answer or failure of TriggerMessage BootNotification means here."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest

from chargepoint_svc.adapters.edge_stations import EdgeStations
from chargepoint_svc.domain.registration import BootOutcome
from csms.edge.v1 import operations_pb2
from tests.support.fake_edge import (
    CALL_ERROR,
    NO_ANSWER,
    NOT_CONNECTED,
    EdgeWithClient,
    Failure,
    edge_with_client,
)

Edge = EdgeWithClient[EdgeStations]


@pytest.fixture
async def edge() -> AsyncIterator[Edge]:
    async with edge_with_client(lambda channel: EdgeStations(channel, timeout=2.0)) as served:
        yield served


async def test_an_accepted_trigger_asks_for_a_boot(edge: Edge) -> None:
    assert await edge.stations.trigger_boot("CP-1") is BootOutcome.TRIGGERED
    (request,) = edge.fake.requests_of(operations_pb2.TriggerMessageRequest)
    assert request.charge_point_id == "CP-1"
    assert request.requested_message == operations_pb2.TriggerMessageRequest.BOOT_NOTIFICATION


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        ("REJECTED", BootOutcome.NOT_TRIGGERED),
        ("NOT_IMPLEMENTED", BootOutcome.NOT_TRIGGERED),
        (NOT_CONNECTED, BootOutcome.NOT_CONNECTED),
        (NO_ANSWER, BootOutcome.NOT_TRIGGERED),
        (CALL_ERROR, BootOutcome.NOT_TRIGGERED),
        (Failure(grpc.StatusCode.UNAVAILABLE, "edge down"), BootOutcome.NOT_TRIGGERED),
    ],
)
async def test_what_each_answer_means(
    edge: Edge, answer: str | Failure, outcome: BootOutcome
) -> None:
    edge.fake.answer("TriggerMessage", answer)
    assert await edge.stations.trigger_boot("CP-1") is outcome
