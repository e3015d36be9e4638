"""A real gRPC EdgeService that answers ReserveNow, CancelReservation, SendLocalList,
SetBasicAuthPassword, UpdateSignedFirmware, PublishFirmware and UnpublishFirmware from a
script and records every request, for the services that call the edge.

Each answer is a status name of the operation's response (``"ACCEPTED"``, ``"OCCUPIED"``,
...) or a :class:`Failure` the edge's error contract allows (``csms/edge/v1/edge.proto``):
NOT_FOUND, DEADLINE_EXCEEDED, FAILED_PRECONDITION with the CALLERROR as an ErrorInfo.
Unscripted calls are ACCEPTED.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import grpc
from google.protobuf import any_pb2
from google.protobuf.message import Message
from google.rpc import (
    error_details_pb2,
    status_pb2,
)

from csms.edge.v1 import edge_pb2_grpc, firmware_pb2, operations_pb2
from servicekit.channels import open_channel

Context = grpc.aio.ServicerContext[Any, Any]


@dataclass(frozen=True)
class Failure:
    code: grpc.StatusCode
    message: str
    # A station's CALLERROR (code, description), sent as the edge does: an ErrorInfo.
    call_error: tuple[str, str] | None = None


Answer = str | Failure

NOT_CONNECTED = Failure(grpc.StatusCode.NOT_FOUND, "charge point CP-1 is not connected")
NO_ANSWER = Failure(grpc.StatusCode.DEADLINE_EXCEEDED, "charge point CP-1 did not answer")
WENT_AWAY = Failure(grpc.StatusCode.ABORTED, "charge point CP-1 closed its connection")
CALL_ERROR = Failure(
    grpc.StatusCode.FAILED_PRECONDITION,
    "charge point CP-1 answered with NotSupported",
    ("NotSupported", "not supported by this station"),
)


class FakeEdge(edge_pb2_grpc.EdgeServiceServicer):
    def __init__(self) -> None:
        self.script: dict[str, list[Answer]] = {}
        self.requests: list[Message] = []
        # When set, calls wait for it before answering (a station that is slow to answer).
        self.hold: asyncio.Event | None = None

    def answer(self, rpc: str, *answers: Answer) -> None:
        """Queue answers for ``rpc`` (e.g. ``"ReserveNow"``), given in order."""
        self.script.setdefault(rpc, []).extend(answers)

    def requests_of(self, kind: type[Message]) -> list[Any]:
        return [r for r in self.requests if isinstance(r, kind)]

    async def _next(self, rpc: str, request: Message, context: Context) -> str:
        self.requests.append(request)
        if self.hold is not None:
            await self.hold.wait()
        queue = self.script.get(rpc)
        answer = queue.pop(0) if queue else "ACCEPTED"
        if isinstance(answer, Failure):
            await _abort(context, answer)
        assert isinstance(answer, str)
        return answer

    async def ReserveNow(
        self, request: operations_pb2.ReserveNowRequest, context: Context
    ) -> operations_pb2.ReserveNowResponse:
        status = await self._next("ReserveNow", request, context)
        return operations_pb2.ReserveNowResponse(
            status=operations_pb2.ReserveNowResponse.Status.Value(status)
        )

    async def CancelReservation(
        self, request: operations_pb2.CancelReservationRequest, context: Context
    ) -> operations_pb2.CancelReservationResponse:
        status = await self._next("CancelReservation", request, context)
        return operations_pb2.CancelReservationResponse(
            status=operations_pb2.OperationStatus.Status.Value(status)
        )

    async def SendLocalList(
        self, request: operations_pb2.SendLocalListRequest, context: Context
    ) -> operations_pb2.SendLocalListResponse:
        status = await self._next("SendLocalList", request, context)
        return operations_pb2.SendLocalListResponse(
            status=operations_pb2.SendLocalListResponse.Status.Value(status)
        )

    async def SetBasicAuthPassword(
        self, request: operations_pb2.SetBasicAuthPasswordRequest, context: Context
    ) -> operations_pb2.ChangeConfigurationResponse:
        status = await self._next("SetBasicAuthPassword", request, context)
        return operations_pb2.ChangeConfigurationResponse(
            status=operations_pb2.ChangeConfigurationResponse.Status.Value(status)
        )

    # Issue 13: firmware. The answer is the station's word ("Accepted", ...); the request
    # id is the caller's, or 500 when it gave none (the edge allocates one).

    async def UpdateSignedFirmware(
        self, request: firmware_pb2.UpdateSignedFirmwareRequest, context: Context
    ) -> firmware_pb2.UpdateSignedFirmwareResponse:
        status = await self._next("UpdateSignedFirmware", request, context)
        return firmware_pb2.UpdateSignedFirmwareResponse(
            status=status, request_id=request.request_id or 500
        )

    async def PublishFirmware(
        self, request: firmware_pb2.PublishFirmwareRequest, context: Context
    ) -> firmware_pb2.PublishFirmwareResponse:
        status = await self._next("PublishFirmware", request, context)
        return firmware_pb2.PublishFirmwareResponse(
            status=status, request_id=request.request_id or 500
        )

    async def UnpublishFirmware(
        self, request: firmware_pb2.UnpublishFirmwareRequest, context: Context
    ) -> firmware_pb2.UnpublishFirmwareResponse:
        status = await self._next("UnpublishFirmware", request, context)
        return firmware_pb2.UnpublishFirmwareResponse(status=status)


async def _abort(context: Context, failure: Failure) -> None:
    metadata: tuple[tuple[str, str | bytes], ...] = ()
    if failure.call_error is not None:
        code, description = failure.call_error
        detail = any_pb2.Any()
        detail.Pack(
            error_details_pb2.ErrorInfo(
                reason="OCPP_CALL_ERROR",
                domain="ocpp",
                metadata={"code": code, "description": description},
            )
        )
        status = status_pb2.Status(
            code=failure.code.value[0], message=failure.message, details=[detail]
        )
        metadata = (("grpc-status-details-bin", status.SerializeToString()),)
    await context.abort(failure.code, failure.message, trailing_metadata=metadata)


@asynccontextmanager
async def serving(edge: FakeEdge) -> AsyncIterator[str]:
    """Serve ``edge`` on a free loopback port; yields its ``host:port``."""
    server = grpc.aio.server()
    edge_pb2_grpc.add_EdgeServiceServicer_to_server(edge, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        if edge.hold is not None:
            edge.hold.set()
        await server.stop(0)


Client = TypeVar("Client")


@dataclass
class EdgeWithClient(Generic[Client]):
    """A served fake edge, and a service's adapter over a channel to it."""

    fake: FakeEdge
    stations: Client
    address: str


@asynccontextmanager
async def edge_with_client(
    make: Callable[[grpc.aio.Channel], Client],
) -> AsyncIterator[EdgeWithClient[Client]]:
    """Serve a fake edge and build the adapter under test (``make(channel)``) over it."""
    fake = FakeEdge()  # type: ignore[abstract]  # serves the operations under test only
    async with serving(fake) as address:
        channel = open_channel(address)
        try:
            yield EdgeWithClient(fake, make(channel), address)
        finally:
            await channel.close(grace=None)
