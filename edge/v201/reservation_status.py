"""OCPP 2.x ReservationStatusUpdate (2.0.1 H04) to the version-neutral request: a station
ended a reservation itself. Shared by 2.0.1 and 2.1 (2.1 adds NoTransaction, H03.FR.11).
Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ocpp.exceptions import FormatViolationError

from csms.transaction.v1 import reservation_status_pb2

Request = reservation_status_pb2.RecordReservationStatusRequest

_STATUS = {
    "Expired": Request.EXPIRED,
    "Removed": Request.REMOVED,
    "NoTransaction": Request.NO_TRANSACTION,
}


def reservation_status_request(charge_point_id: str, payload: Mapping[str, Any]) -> Request:
    """The schema already checked the word; one this CSMS has no value for (a later
    version's addition) is answered as a FormatViolation naming it, not guessed."""
    word = payload["reservation_update_status"]
    status = _STATUS.get(word)
    if status is None:
        raise FormatViolationError(
            description=f"reservationUpdateStatus {word!r} is not one this CSMS knows"
        )
    return Request(
        charge_point_id=charge_point_id,
        reservation_id=payload["reservation_id"],
        status=status,
    )
