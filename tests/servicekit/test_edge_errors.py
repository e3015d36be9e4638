"""The edge's error contract (``csms/edge/v1/edge.proto``) read back by a caller: each
status becomes its station error, and a CALLERROR is read from its ErrorInfo.

A real gRPC server on port 0 plays the edge and ends the call as the test scripts, so the
errors under test are the ones grpc.aio really raises, trailing metadata and all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
import pytest
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from csms.common.v1 import health_pb2
from csms.edge.v1 import edge_pb2_grpc
from servicekit.channels import open_channel
from servicekit.edge_errors import (
    OCPP_CALL_ERROR,
    EdgeFailed,
    EdgeUnavailable,
    StationCannot,
    StationDidNotAnswer,
    StationNotConnected,
    StationRefused,
    StationRequestInvalid,
    StationWentAway,
    call_error_of,
    station_error,
)
from servicekit.errors import ServiceError
from tests.support.ports import free_port

Context = grpc.aio.ServicerContext[Any, Any]
Ending = Callable[[Context], Awaitable[None]]
# Fails a call the way the edge would; the test gets the error the caller sees.
Call = Callable[[Ending], Awaitable[grpc.aio.AioRpcError]]


class ScriptedEdge(edge_pb2_grpc.EdgeServiceServicer):
    """Ends every GetHealth with ``ending``."""

    def __init__(self) -> None:
        self.ending: Ending | None = None

    async def GetHealth(
        self, request: health_pb2.GetHealthRequest, context: Context
    ) -> health_pb2.HealthReport:
        assert self.ending is not None
        await self.ending(context)
        raise AssertionError("the ending did not end the call")


@pytest.fixture
async def failed() -> AsyncIterator[Call]:
    edge = ScriptedEdge()
    server = grpc.aio.server()
    edge_pb2_grpc.add_EdgeServiceServicer_to_server(edge, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    channel = open_channel(f"127.0.0.1:{port}")

    async def call(ending: Ending) -> grpc.aio.AioRpcError:
        edge.ending = ending
        stub = edge_pb2_grpc.EdgeServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.GetHealth(health_pb2.GetHealthRequest(), timeout=5)
        return caught.value

    try:
        yield call
    finally:
        await channel.close(grace=None)
        await server.stop(None)


def aborting(code: grpc.StatusCode, message: str) -> Ending:
    async def end(context: Context) -> None:
        await context.abort(code, message)

    return end


def refusing(message: str, *infos: error_details_pb2.ErrorInfo) -> Ending:
    """FAILED_PRECONDITION with ``infos`` as the status details, as the edge sends a
    station's CALLERROR."""
    details = []
    for info in infos:
        detail = any_pb2.Any()
        detail.Pack(info)
        details.append(detail)
    status = status_pb2.Status(code=code_pb2.FAILED_PRECONDITION, message=message, details=details)

    async def end(context: Context) -> None:
        await context.abort_with_status(rpc_status.to_status(status))  # type: ignore[attr-defined]

    return end


def call_error(code: str, description: str) -> error_details_pb2.ErrorInfo:
    return error_details_pb2.ErrorInfo(
        reason="OCPP_CALL_ERROR",
        domain="ocpp",
        metadata={"code": code, "description": description},
    )


REFUSED = refusing(
    "charge point CP-1 answered Reset with NotSupported",
    call_error("NotSupported", "no hard reset here"),
)


def test_the_reason_is_the_one_edge_proto_names() -> None:
    assert OCPP_CALL_ERROR == "OCPP_CALL_ERROR"


async def test_a_call_error_is_read_from_its_error_info(failed: Call) -> None:
    error = await failed(REFUSED)
    assert error.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert call_error_of(error) == ("NotSupported", "no hard reset here")


async def test_the_call_error_is_found_among_other_details(failed: Call) -> None:
    other = error_details_pb2.ErrorInfo(reason="SOMETHING_ELSE", metadata={"code": "Wrong"})
    error = await failed(refusing("refused", other, call_error("InternalError", "")))
    assert call_error_of(error) == ("InternalError", "")


async def test_without_an_error_info_the_details_stand_for_the_description(
    failed: Call,
) -> None:
    error = await failed(aborting(grpc.StatusCode.FAILED_PRECONDITION, "no details attached"))
    assert call_error_of(error) == ("", "no details attached")


async def test_an_error_info_of_another_reason_is_not_a_call_error(failed: Call) -> None:
    other = error_details_pb2.ErrorInfo(reason="QUOTA", metadata={"code": "Busy"})
    error = await failed(refusing("over quota", other))
    assert call_error_of(error) == ("", "over quota")


@pytest.mark.parametrize(
    ("ending", "kind", "status", "message"),
    [
        (
            aborting(grpc.StatusCode.NOT_FOUND, "CP-1 is not connected to this edge"),
            StationNotConnected,
            grpc.StatusCode.NOT_FOUND,
            "charge point CP-1 is not connected (CP-1 is not connected to this edge); "
            "retry once it is online",
        ),
        (
            aborting(grpc.StatusCode.DEADLINE_EXCEEDED, "CP-1 did not answer Reset within 30 s"),
            StationDidNotAnswer,
            grpc.StatusCode.DEADLINE_EXCEEDED,
            "charge point CP-1 did not answer in time (CP-1 did not answer Reset within 30 s)",
        ),
        (
            aborting(grpc.StatusCode.ABORTED, "CP-1 closed its connection after Reset was sent"),
            StationWentAway,
            grpc.StatusCode.ABORTED,
            "charge point CP-1 closed its connection before answering (CP-1 closed its "
            "connection after Reset was sent)",
        ),
        (
            REFUSED,
            StationRefused,
            grpc.StatusCode.FAILED_PRECONDITION,
            "charge point CP-1 answered with CALLERROR NotSupported: no hard reset here",
        ),
        (
            refusing("refused", call_error("GenericError", "")),
            StationRefused,
            grpc.StatusCode.FAILED_PRECONDITION,
            "charge point CP-1 answered with CALLERROR GenericError: no description",
        ),
        (
            aborting(grpc.StatusCode.FAILED_PRECONDITION, "no details attached"),
            StationRefused,
            grpc.StatusCode.FAILED_PRECONDITION,
            "charge point CP-1 answered with CALLERROR unknown: no details attached",
        ),
        (
            aborting(grpc.StatusCode.INVALID_ARGUMENT, "idTag is longer than 20"),
            StationRequestInvalid,
            grpc.StatusCode.INVALID_ARGUMENT,
            "the request is not valid for charge point CP-1: idTag is longer than 20",
        ),
        (
            aborting(grpc.StatusCode.UNIMPLEMENTED, "OCPP 2.1 has no ReserveNow"),
            StationCannot,
            grpc.StatusCode.UNIMPLEMENTED,
            "charge point CP-1 cannot do this: OCPP 2.1 has no ReserveNow",
        ),
        (
            aborting(grpc.StatusCode.UNAVAILABLE, "draining"),
            EdgeUnavailable,
            grpc.StatusCode.UNAVAILABLE,
            "the OCPP edge is unavailable: draining; retry later",
        ),
        (
            aborting(grpc.StatusCode.INTERNAL, "boom"),
            EdgeFailed,
            grpc.StatusCode.INTERNAL,
            "the OCPP edge failed (INTERNAL): boom",
        ),
        (
            aborting(grpc.StatusCode.PERMISSION_DENIED, "not yours"),
            EdgeFailed,
            grpc.StatusCode.INTERNAL,
            "the OCPP edge failed (PERMISSION_DENIED): not yours",
        ),
        (
            aborting(grpc.StatusCode.NOT_FOUND, ""),
            StationNotConnected,
            grpc.StatusCode.NOT_FOUND,
            "charge point CP-1 is not connected (no details); retry once it is online",
        ),
    ],
)
async def test_each_status_of_the_contract_becomes_its_station_error(
    failed: Call,
    ending: Ending,
    kind: type[ServiceError],
    status: grpc.StatusCode,
    message: str,
) -> None:
    error = station_error("CP-1", await failed(ending))
    assert type(error) is kind
    assert error.status is status
    assert str(error) == message


async def test_a_refusal_keeps_the_call_error(failed: Call) -> None:
    error = station_error("CP-1", await failed(REFUSED))
    assert isinstance(error, StationRefused)
    assert (error.charge_point_id, error.code, error.description) == (
        "CP-1",
        "NotSupported",
        "no hard reset here",
    )


async def test_the_station_errors_name_their_charge_point(failed: Call) -> None:
    for code in (
        grpc.StatusCode.NOT_FOUND,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.INVALID_ARGUMENT,
        grpc.StatusCode.UNIMPLEMENTED,
    ):
        error = station_error("CP-7", await failed(aborting(code, "detail")))
        assert getattr(error, "charge_point_id", None) == "CP-7", code


async def test_an_unreachable_edge_is_unavailable() -> None:
    channel = open_channel(f"127.0.0.1:{free_port()}")
    try:
        stub = edge_pb2_grpc.EdgeServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.GetHealth(health_pb2.GetHealthRequest(), timeout=5)
    finally:
        await channel.close(grace=None)
    error = station_error("CP-1", caught.value)
    assert isinstance(error, EdgeUnavailable)
    assert error.status is grpc.StatusCode.UNAVAILABLE
    assert str(error).startswith("the OCPP edge is unavailable: ")
