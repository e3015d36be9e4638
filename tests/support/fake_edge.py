"""A real gRPC EdgeService that answers ReserveNow, CancelReservation, SendLocalList,
SetBasicAuthPassword, SetVariableMonitoring, ClearVariableMonitoring, TriggerMessage,
SetNetworkProfile, the station request calls, SetChargingProfile, ClearChargingProfile,
UpdateSignedFirmware, PublishFirmware and UnpublishFirmware from a script and records every
request, for the services that call the edge.

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

from csms.edge.v1 import (
    edge_pb2_grpc,
    firmware_pb2,
    logs_and_display_pb2,
    monitoring_pb2,
    network_profiles_pb2,
    operations_pb2,
)
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
        # The ids SetVariableMonitoring gives the monitors it accepts, as a station does.
        self.next_monitor_id = 100

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

    async def SetVariableMonitoring(
        self, request: monitoring_pb2.SetVariableMonitoringRequest, context: Context
    ) -> monitoring_pb2.SetVariableMonitoringResponse:
        """The scripted status for every monitor of the request; accepted ones get the
        next ids (a replaced one keeps its id)."""
        status = monitoring_pb2.MonitorSettingResult.Status.Value(
            await self._next("SetVariableMonitoring", request, context)
        )
        response = monitoring_pb2.SetVariableMonitoringResponse()
        for setting in request.monitors:
            result = monitoring_pb2.MonitorSettingResult(
                status=status,
                variable=setting.variable,
                type=setting.type,
                severity=setting.severity,
            )
            if status == monitoring_pb2.MonitorSettingResult.ACCEPTED:
                if setting.HasField("id"):
                    result.id = setting.id
                else:
                    result.id = self.next_monitor_id
                    self.next_monitor_id += 1
            response.results.append(result)
        return response

    async def ClearVariableMonitoring(
        self, request: monitoring_pb2.ClearVariableMonitoringRequest, context: Context
    ) -> monitoring_pb2.ClearVariableMonitoringResponse:
        """The scripted status for every id of the request."""
        status = monitoring_pb2.ClearMonitorResult.Status.Value(
            await self._next("ClearVariableMonitoring", request, context)
        )
        return monitoring_pb2.ClearVariableMonitoringResponse(
            results=[
                monitoring_pb2.ClearMonitorResult(id=monitor_id, status=status)
                for monitor_id in request.ids
            ]
        )

    async def TriggerMessage(
        self, request: operations_pb2.TriggerMessageRequest, context: Context
    ) -> operations_pb2.TriggerMessageResponse:
        status = await self._next("TriggerMessage", request, context)
        return operations_pb2.TriggerMessageResponse(
            status=operations_pb2.TriggerMessageResponse.Status.Value(status)
        )

    async def SetNetworkProfile(
        self, request: network_profiles_pb2.SetNetworkProfileRequest, context: Context
    ) -> network_profiles_pb2.SetNetworkProfileResponse:
        status = await self._next("SetNetworkProfile", request, context)
        return network_profiles_pb2.SetNetworkProfileResponse(
            status=network_profiles_pb2.SetNetworkProfileResponse.Status.Value(status)
        )

    # Issue 13: logs and display messages. Their answers are the station's words as sent;
    # an unscripted call is "Accepted".

    async def _word(self, rpc: str, request: Message, context: Context) -> str:
        answer = await self._next(rpc, request, context)
        return "Accepted" if answer == "ACCEPTED" else answer

    async def GetDiagnostics(
        self, request: operations_pb2.GetDiagnosticsRequest, context: Context
    ) -> operations_pb2.GetDiagnosticsResponse:
        status = await self._word("GetDiagnostics", request, context)
        name = f"log-{request.request_id}.txt" if status == "Accepted" else ""
        return operations_pb2.GetDiagnosticsResponse(status=status, file_name=name)

    async def CustomerInformation(
        self, request: logs_and_display_pb2.CustomerInformationRequest, context: Context
    ) -> logs_and_display_pb2.CustomerInformationResponse:
        status = await self._word("CustomerInformation", request, context)
        return logs_and_display_pb2.CustomerInformationResponse(
            status=status, request_id=request.request_id
        )

    async def SetDisplayMessage(
        self, request: logs_and_display_pb2.SetDisplayMessageRequest, context: Context
    ) -> logs_and_display_pb2.SetDisplayMessageResponse:
        status = await self._word("SetDisplayMessage", request, context)
        return logs_and_display_pb2.SetDisplayMessageResponse(status=status)

    async def GetDisplayMessages(
        self, request: logs_and_display_pb2.GetDisplayMessagesRequest, context: Context
    ) -> logs_and_display_pb2.GetDisplayMessagesResponse:
        status = await self._word("GetDisplayMessages", request, context)
        return logs_and_display_pb2.GetDisplayMessagesResponse(
            status=status, request_id=request.request_id
        )

    async def ClearDisplayMessage(
        self, request: logs_and_display_pb2.ClearDisplayMessageRequest, context: Context
    ) -> logs_and_display_pb2.ClearDisplayMessageResponse:
        status = await self._word("ClearDisplayMessage", request, context)
        return logs_and_display_pb2.ClearDisplayMessageResponse(status=status)

    # Issue 13: smart charging (chargepoint_svc's library profiles).

    async def SetChargingProfile(
        self, request: operations_pb2.SetChargingProfileRequest, context: Context
    ) -> operations_pb2.SetChargingProfileResponse:
        status = await self._next("SetChargingProfile", request, context)
        return operations_pb2.SetChargingProfileResponse(
            status=operations_pb2.SetChargingProfileResponse.Status.Value(status)
        )

    async def ClearChargingProfile(
        self, request: operations_pb2.ClearChargingProfileRequest, context: Context
    ) -> operations_pb2.ClearChargingProfileResponse:
        status = await self._next("ClearChargingProfile", request, context)
        return operations_pb2.ClearChargingProfileResponse(
            status=operations_pb2.ClearChargingProfileResponse.Status.Value(status)
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
