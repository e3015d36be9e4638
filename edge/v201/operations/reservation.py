"""OCPP 2.x reservations (H01 ReserveNow, H02 CancelReservation): the edge sends a
reservation transaction_svc stored, or its cancellation. The reserving id tag is sent with
the id token type it was stored with (ISO14443, an RFID card, when none); its parent id tag
is the group id token. Pure."""

from __future__ import annotations

from typing import Any

from csms.edge.v1 import operations_pb2
from edge.v16.operations.fields import identifier, required, required_moment
from edge.v201.operations.core import OPERATION_STATUS
from edge.v201.operations.fields import CARD, CENTRAL, Kwargs, id_token, mapped, non_negative

_STATUS = {
    "Accepted": operations_pb2.ReserveNowResponse.ACCEPTED,
    "Faulted": operations_pb2.ReserveNowResponse.FAULTED,
    "Occupied": operations_pb2.ReserveNowResponse.OCCUPIED,
    "Rejected": operations_pb2.ReserveNowResponse.REJECTED,
    "Unavailable": operations_pb2.ReserveNowResponse.UNAVAILABLE,
}


def reserve_request(request: operations_pb2.ReserveNowRequest) -> Kwargs:
    """evse_id 0 reserves no particular EVSE (evseId omitted, H01): with a connector type,
    one with a connector of that type; without, any. The version's schema checks the
    words (2.0.1 closes both enums; 2.1 takes any string of at most 20 characters)."""
    parent = request.parent_id_tag
    return {
        "id": identifier(request.reservation_id, "reservation_id"),
        "expiry_date_time": required_moment(request, "expires_at", "expires_at"),
        "id_token": id_token(required(request.id_tag, "id_tag"), request.id_token_type or CARD),
        "evse_id": non_negative(request.evse_id, "evse_id", "any EVSE") or None,
        "connector_type": request.connector_type or None,
        "group_id_token": id_token(parent, CENTRAL) if parent else None,
    }


def reserve_answer(answer: Any) -> operations_pb2.ReserveNowResponse:
    return operations_pb2.ReserveNowResponse(status=mapped(_STATUS, answer.status, "status"))


def cancel_request(request: operations_pb2.CancelReservationRequest) -> Kwargs:
    return {"reservation_id": identifier(request.reservation_id, "reservation_id")}


def cancel_answer(answer: Any) -> operations_pb2.CancelReservationResponse:
    return operations_pb2.CancelReservationResponse(
        status=mapped(OPERATION_STATUS, answer.status, "status")
    )
