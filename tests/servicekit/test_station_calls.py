"""servicekit.station_calls against a real (scripted) EdgeService gRPC server: a call carries
its deadline and the log context, a failure becomes the station error naming the request's
charge point, and an answer this service does not know is never an acceptance.

Every status of the edge's contract and the error it becomes is tested once, in
``tests/servicekit/test_edge_errors.py``; the services' own edge clients are tested in
``tests/auth_svc/adapters/test_edge_client.py`` and
``tests/transaction_svc/adapters/test_edge_client.py``."""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest

from csms.edge.v1 import operations_pb2
from servicekit import log_context
from servicekit.channels import open_channel
from servicekit.edge_errors import StationNotConnected, StationRefused
from servicekit.station_calls import StationCalls, answer, answer_name
from tests.support.fake_edge import CALL_ERROR, NOT_CONNECTED, FakeEdge, serving

Context = grpc.aio.ServicerContext[Any, Any]
_Status = operations_pb2.SendLocalListResponse.Status


class _SeenEdge(FakeEdge):
    """Also keeps, for each call, the metadata it came with and the time it had left."""

    def __init__(self) -> None:
        super().__init__()
        self.metadata: list[dict[str, str | bytes]] = []
        self.time_left: list[float | None] = []

    async def SendLocalList(
        self, request: operations_pb2.SendLocalListRequest, context: Context
    ) -> operations_pb2.SendLocalListResponse:
        self.metadata.append(dict(context.invocation_metadata() or ()))
        self.time_left.append(context.time_remaining())
        return await super().SendLocalList(request, context)


@pytest.fixture
async def edge() -> AsyncIterator[tuple[_SeenEdge, StationCalls]]:
    fake = _SeenEdge()  # type: ignore[abstract]  # serves the operations under test only
    async with serving(fake) as address:
        channel = open_channel(address)
        try:
            yield fake, StationCalls(channel, timeout=3.0)
        finally:
            await channel.close(grace=None)


def _request(charge_point_id: str = "CP-1") -> operations_pb2.SendLocalListRequest:
    return operations_pb2.SendLocalListRequest(charge_point_id=charge_point_id, version=7)


async def test_a_call_carries_the_request_its_deadline_and_the_log_context(
    edge: tuple[_SeenEdge, StationCalls],
) -> None:
    fake, calls = edge
    fake.answer("SendLocalList", "VERSION_MISMATCH")
    with log_context.bind(charge_point_id="CP-1", message_id="m-1", action="SendLocalList"):
        response = await calls.call(calls.edge.SendLocalList, _request())

    assert response.status == _Status.VERSION_MISMATCH
    assert fake.requests == [_request()]
    assert fake.metadata[0]["csms-charge-point-id"] == "CP-1"
    assert fake.metadata[0]["csms-message-id"] == "m-1"
    assert fake.metadata[0]["csms-action"] == "SendLocalList"
    # The grpc-timeout header rounds the deadline up to its unit: a hair over 3 s is 3 s.
    time_left = fake.time_left[0]
    assert time_left is not None and 0 < time_left <= 3.05, fake.time_left


@pytest.mark.parametrize(
    ("failure", "error"), [(NOT_CONNECTED, StationNotConnected), (CALL_ERROR, StationRefused)]
)
async def test_a_failure_is_the_station_error_naming_the_requests_charge_point(
    edge: tuple[_SeenEdge, StationCalls], failure: Any, error: type[Exception]
) -> None:
    fake, calls = edge
    fake.answer("SendLocalList", failure)

    with pytest.raises(error) as raised:
        await calls.call(calls.edge.SendLocalList, _request("CP-7"))

    assert raised.value.charge_point_id == "CP-7"  # type: ignore[attr-defined]
    assert raised.value.status is failure.code  # type: ignore[attr-defined]


class _Answer(enum.Enum):
    ACCEPTED = "ACCEPTED"
    FAILED = "FAILED"
    NOT_SUPPORTED = "NOT_SUPPORTED"
    VERSION_MISMATCH = "VERSION_MISMATCH"


def test_a_known_answer_is_the_member_of_the_same_name() -> None:
    assert answer(_Status, _Status.NOT_SUPPORTED, _Answer, otherwise=_Answer.FAILED) is (
        _Answer.NOT_SUPPORTED
    )
    assert answer(_Status, _Status.ACCEPTED, _Answer, otherwise=_Answer.FAILED) is (
        _Answer.ACCEPTED
    )


@pytest.mark.parametrize("number", [_Status.STATUS_UNSPECIFIED, 42])
def test_no_answer_or_an_unknown_one_is_the_fallback_never_an_acceptance(number: int) -> None:
    assert answer(_Status, number, _Answer, otherwise=_Answer.FAILED) is _Answer.FAILED


def test_an_answer_name_is_none_only_for_a_number_the_protos_do_not_name() -> None:
    assert answer_name(_Status, _Status.ACCEPTED) == "ACCEPTED"
    assert answer_name(_Status, _Status.STATUS_UNSPECIFIED) == "STATUS_UNSPECIFIED"
    assert answer_name(_Status, 42) is None
