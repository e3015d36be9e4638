"""The :class:`~transaction_svc.ports.Stations` port over the edge's EdgeService.

The edge's error contract (``csms/edge/v1/edge.proto``) is passed on with its status by
:func:`servicekit.edge_errors.station_error`: a caller of ReserveNow learns that the
station is not connected, did not answer, or answered with a CALLERROR exactly as it would
calling the edge.
"""

from __future__ import annotations

import grpc

from csms.edge.v1 import edge_pb2_grpc, operations_pb2
from servicekit import log_context
from servicekit.deadlines import within_caller
from servicekit.edge_errors import station_error
from servicekit.timestamps import to_timestamp
from transaction_svc.domain.reservation import Reservation


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
            response = await self._stub.ReserveNow(
                request, timeout=within_caller(self._timeout), metadata=log_context.metadata()
            )
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
            response = await self._stub.CancelReservation(
                request, timeout=within_caller(self._timeout), metadata=log_context.metadata()
            )
        except grpc.aio.AioRpcError as error:
            raise station_error(charge_point_id, error) from error
        return response.status == operations_pb2.OperationStatus.ACCEPTED
