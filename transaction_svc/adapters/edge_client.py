"""The :class:`~transaction_svc.ports.Stations` port over the edge's EdgeService.

The call itself, its deadline, the edge's errors passed on with their status and an
answer this service does not know are :mod:`servicekit.station_calls`'; here is what is
transaction_svc's: the requests built from its domain, and what each answer means to it.
"""

from __future__ import annotations

import grpc

from csms.edge.v1 import operations_pb2
from servicekit.station_calls import StationCalls, answer_name
from servicekit.timestamps import to_timestamp
from transaction_svc.domain.reservation import Reservation


class EdgeStations:
    """Sends ReserveNow, CancelReservation and GetTransactionStatus through EdgeService
    with a deadline. The channel belongs to the caller (the composition root opens and
    closes it)."""

    def __init__(self, channel: grpc.aio.Channel, timeout: float) -> None:
        self._calls = StationCalls(channel, timeout)

    async def reserve_now(self, reservation: Reservation) -> str:
        request = operations_pb2.ReserveNowRequest(
            charge_point_id=reservation.charge_point_id,
            evse_id=reservation.evse_id,
            expires_at=to_timestamp(reservation.expires_at),
            id_tag=reservation.id_tag,
            parent_id_tag=reservation.parent_id_tag or "",
            reservation_id=reservation.id,
            connector_type=reservation.connector_type or "",
            id_token_type=reservation.id_token_type,
        )
        response = await self._calls.call(self._calls.edge.ReserveNow, request)
        # A number this service does not know (a newer edge) is kept as a number: it is
        # not ACCEPTED, and the operator can still read what the station said.
        status = operations_pb2.ReserveNowResponse.Status
        return answer_name(status, response.status) or f"STATUS_{response.status}"

    async def cancel_reservation(self, charge_point_id: str, reservation_id: int) -> bool:
        request = operations_pb2.CancelReservationRequest(
            charge_point_id=charge_point_id, reservation_id=reservation_id
        )
        response = await self._calls.call(self._calls.edge.CancelReservation, request)
        return response.status == operations_pb2.OperationStatus.ACCEPTED

    async def transaction_status(
        self, charge_point_id: str, transaction_id: int
    ) -> tuple[bool | None, bool]:
        request = operations_pb2.GetTransactionStatusRequest(
            charge_point_id=charge_point_id, transaction_id=transaction_id
        )
        response = await self._calls.call(self._calls.edge.GetTransactionStatus, request)
        ongoing = response.ongoing if response.HasField("ongoing") else None
        return ongoing, response.messages_in_queue
