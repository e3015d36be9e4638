"""transaction_svc's reservations (OCPP 1.6 §5.13, 2.0.1 H01-H04): stored by the CSMS, sent
to the station, cancelled, and ended by the station itself (issue 13)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from csms.transaction.v1 import transaction_pb2
from csms_client.errors import invoke
from csms_client.moments import to_timestamp

if TYPE_CHECKING:
    from csms.transaction.v1.transaction_pb2_grpc import TransactionServiceAsyncStub

ReservationStatus = transaction_pb2.Reservation.Status


class Reservations:
    def __init__(self, stub: TransactionServiceAsyncStub, timeout: float) -> None:
        self.stub, self._timeout = stub, timeout

    async def reserve(
        self,
        charge_point_id: str,
        id_tag: str,
        expires_at: datetime,
        *,
        evse_id: int = 0,
        connector_type: str = "",
        id_token_type: str = "",
        parent_id_tag: str = "",
    ) -> transaction_pb2.Reservation:
        """``evse_id`` 0: any EVSE, or (2.x) one with a connector of ``connector_type``
        (e.g. "cCCS2"). ``id_token_type`` empty: the type auth_svc stores the id tag with."""
        request = transaction_pb2.ReserveNowRequest(
            charge_point_id=charge_point_id,
            evse_id=evse_id,
            id_tag=id_tag,
            parent_id_tag=parent_id_tag,
            expires_at=to_timestamp(expires_at),
            connector_type=connector_type,
            id_token_type=id_token_type,
        )
        return await invoke(self.stub.ReserveNow, request, self._timeout)

    async def cancel(self, reservation_id: int) -> transaction_pb2.Reservation:
        request = transaction_pb2.CancelReservationRequest(id=reservation_id)
        return await invoke(self.stub.CancelReservation, request, self._timeout)

    async def get(self, reservation_id: int) -> transaction_pb2.Reservation:
        request = transaction_pb2.GetReservationRequest(id=reservation_id)
        return await invoke(self.stub.GetReservation, request, self._timeout)

    async def list(
        self,
        page_size: int = 0,
        page_token: str = "",
        charge_point_id: str = "",
        status: ReservationStatus.ValueType = ReservationStatus.STATUS_UNSPECIFIED,
    ) -> transaction_pb2.ListReservationsResponse:
        request = transaction_pb2.ListReservationsRequest(
            page_size=page_size,
            page_token=page_token,
            charge_point_id=charge_point_id,
            status=status,
        )
        return await invoke(self.stub.ListReservations, request, self._timeout)
