"""The :class:`~transaction_svc.ports.Stations` port over the edge's EdgeService.

The edge's error contract (``csms/edge/v1/edge.proto``) is passed on with its status: a
caller of ReserveNow learns that the station is not connected, did not answer, or answered
with a CALLERROR exactly as it would calling the edge.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import grpc
from google.rpc import (  # type: ignore[import-untyped, unused-ignore]
    error_details_pb2,
    status_pb2,
)

from csms.edge.v1 import edge_pb2_grpc, operations_pb2
from servicekit.errors import ServiceError
from servicekit.timestamps import to_timestamp
from transaction_svc.errors import (
    EdgeFailed,
    EdgeUnavailable,
    StationCannot,
    StationDidNotAnswer,
    StationNotConnected,
    StationRefused,
    StationRequestInvalid,
)
from transaction_svc.reservation import Reservation

_STATUS_DETAILS_KEY = "grpc-status-details-bin"
# The ErrorInfo reason the edge gives a station's CALLERROR.
OCPP_CALL_ERROR = "OCPP_CALL_ERROR"


def call_error_of(error: grpc.aio.AioRpcError) -> tuple[str, str]:
    """The CALLERROR code and description the edge attached as an ErrorInfo; when it sent
    none, ``("", details)``."""
    # At run time the trailing metadata is a sequence of (key, value) pairs; the stubs
    # describe it differently.
    metadata = cast(Iterable[tuple[str, str | bytes]], cast(Any, error.trailing_metadata()) or ())
    for key, value in metadata:
        if key != _STATUS_DETAILS_KEY or not isinstance(value, bytes):
            continue
        status = status_pb2.Status.FromString(value)
        for detail in status.details:
            info = error_details_pb2.ErrorInfo()
            if detail.Unpack(info) and info.reason == OCPP_CALL_ERROR:
                return info.metadata.get("code", ""), info.metadata.get("description", "")
    return "", error.details() or ""


def station_error(charge_point_id: str, error: grpc.aio.AioRpcError) -> ServiceError:
    """The service error that passes the edge's status on."""
    code = error.code()
    detail = error.details() or "no details"
    if code is grpc.StatusCode.NOT_FOUND:
        return StationNotConnected(charge_point_id, detail)
    if code is grpc.StatusCode.DEADLINE_EXCEEDED:
        return StationDidNotAnswer(charge_point_id, detail)
    if code is grpc.StatusCode.FAILED_PRECONDITION:
        call_code, description = call_error_of(error)
        return StationRefused(charge_point_id, call_code or "unknown", description)
    if code is grpc.StatusCode.INVALID_ARGUMENT:
        return StationRequestInvalid(charge_point_id, detail)
    if code is grpc.StatusCode.UNIMPLEMENTED:
        return StationCannot(charge_point_id, detail)
    if code is grpc.StatusCode.UNAVAILABLE:
        return EdgeUnavailable(detail)
    return EdgeFailed(code.name, detail)


class EdgeStations:
    """Sends ReserveNow and CancelReservation through EdgeService with a deadline. The
    channel belongs to the caller (the composition root opens and closes it)."""

    def __init__(self, channel: grpc.aio.Channel, timeout: float) -> None:
        self._stub = edge_pb2_grpc.EdgeServiceStub(channel)
        self._timeout = timeout

    async def reserve_now(self, reservation: Reservation) -> str:
        request = operations_pb2.ReserveNowRequest(
            charge_point_id=reservation.charge_point_id,
            evse_id=reservation.evse_id,
            expires_at=to_timestamp(reservation.expires_at),
            id_tag=reservation.id_tag,
            parent_id_tag=reservation.parent_id_tag or "",
            reservation_id=reservation.id,
        )
        try:
            response = await self._stub.ReserveNow(request, timeout=self._timeout)
        except grpc.aio.AioRpcError as error:
            raise station_error(reservation.charge_point_id, error) from error
        status = operations_pb2.ReserveNowResponse.Status
        # A number this service does not know (a newer edge) is kept as a number: it is
        # not ACCEPTED, and the operator can still read what the station said.
        return (
            status.Name(response.status)
            if response.status in status.values()
            else (f"STATUS_{response.status}")
        )

    async def cancel_reservation(self, charge_point_id: str, reservation_id: int) -> bool:
        request = operations_pb2.CancelReservationRequest(
            charge_point_id=charge_point_id, reservation_id=reservation_id
        )
        try:
            response = await self._stub.CancelReservation(request, timeout=self._timeout)
        except grpc.aio.AioRpcError as error:
            raise station_error(charge_point_id, error) from error
        return response.status == operations_pb2.OperationStatus.ACCEPTED
