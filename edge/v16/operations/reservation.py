"""OCPP 1.6 Reservation profile (OCPP 1.6 §5.3, §5.13): the edge sends a reservation
transaction_svc stored, or its cancellation. Pure."""

from __future__ import annotations

from typing import Any

from ocpp.v16 import call

from csms.edge.v1 import operations_pb2
from edge.operations.errors import InvalidRequest
from edge.v16.operations.core import OPERATION_STATUS
from edge.v16.operations.fields import (
    connector,
    identifier,
    optional,
    required,
    required_moment,
)

_STATUS = {
    "Accepted": operations_pb2.ReserveNowResponse.ACCEPTED,
    "Faulted": operations_pb2.ReserveNowResponse.FAULTED,
    "Occupied": operations_pb2.ReserveNowResponse.OCCUPIED,
    "Rejected": operations_pb2.ReserveNowResponse.REJECTED,
    "Unavailable": operations_pb2.ReserveNowResponse.UNAVAILABLE,
}


def reserve_request(request: operations_pb2.ReserveNowRequest) -> call.ReserveNow:
    """evse_id 0 reserves any connector, where the station allows it
    (ReserveConnectorZeroSupported, OCPP 1.6 §5.13). 1.6 cannot reserve by connector type
    (ReserveNow.req §6.42 has no such field): refused rather than reserving any connector.
    An id token type is 2.x's; a 1.6 idTag has none, so it is not sent."""
    if request.connector_type:
        raise InvalidRequest(
            f"connector_type {request.connector_type!r}: OCPP 1.6 stations cannot reserve by "
            "connector type; name the connector (evse_id) instead"
        )
    return call.ReserveNow(
        connector_id=connector(request.evse_id),
        expiry_date=required_moment(request, "expires_at", "expires_at"),
        id_tag=required(request.id_tag, "id_tag"),
        reservation_id=identifier(request.reservation_id, "reservation_id"),
        parent_id_tag=optional(request.parent_id_tag),
    )


def reserve_answer(answer: Any) -> operations_pb2.ReserveNowResponse:
    return operations_pb2.ReserveNowResponse(status=_STATUS[answer.status])


def cancel_request(request: operations_pb2.CancelReservationRequest) -> call.CancelReservation:
    return call.CancelReservation(
        reservation_id=identifier(request.reservation_id, "reservation_id")
    )


def cancel_answer(answer: Any) -> operations_pb2.CancelReservationResponse:
    return operations_pb2.CancelReservationResponse(status=OPERATION_STATUS[answer.status])
