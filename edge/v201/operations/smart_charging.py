"""OCPP 2.x smart charging (K01 set, K10 clear, K08 composite schedule): charging
profiles whose schedules are a list, and a transaction named by the station's own id.
Pure."""

from __future__ import annotations

from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from csms.edge.v1 import operations_pb2, smart_charging_pb2
from edge.operations.dispatcher import Reply, Resolved
from edge.operations.errors import InvalidRequest
from edge.operations.request_checks import (
    RATE_UNIT_BACK,
    clear_purpose,
    composite_unit,
    profile_words,
    schedule_values,
)
from edge.v16.operations.fields import answer_moment, moment
from edge.v201.operations.fields import Kwargs, mapped, non_negative

Profile = smart_charging_pb2.ChargingProfile
Schedule = smart_charging_pb2.ChargingSchedule

# OCPP 2.0.1 ChargingProfilePurposeEnumType: 1.6's ChargePointMaxProfile is
# ChargingStationMaxProfile.
PURPOSE = {
    Profile.CHARGE_POINT_MAX_PROFILE: "ChargingStationMaxProfile",
    Profile.TX_DEFAULT_PROFILE: "TxDefaultProfile",
    Profile.TX_PROFILE: "TxProfile",
}
_SET_STATUS = {
    "Accepted": operations_pb2.SetChargingProfileResponse.ACCEPTED,
    "Rejected": operations_pb2.SetChargingProfileResponse.REJECTED,
}
_CLEAR_STATUS = {
    "Accepted": operations_pb2.ClearChargingProfileResponse.ACCEPTED,
    "Unknown": operations_pb2.ClearChargingProfileResponse.UNKNOWN,
}
_COMPOSITE_STATUS = {
    "Accepted": operations_pb2.OperationStatus.ACCEPTED,
    "Rejected": operations_pb2.OperationStatus.REJECTED,
}


def charging_profile(
    profile: Profile, field: str, station_transaction_id: str, *, tx: bool = False
) -> Kwargs:
    """A 2.x ChargingProfileType with one schedule, whose id is the profile's (the API
    has one schedule per profile). ``tx``: the profile of a remote start, a TxProfile,
    so an unspecified purpose means that. ``station_transaction_id``: the station's id
    of ``transaction_id``, resolved by the edge."""
    words = profile_words(profile, field, PURPOSE, tx=tx, remote_start="OCPP 2.0.1 F01")
    return {
        "id": profile.id,
        "stack_level": profile.stack_level,
        "charging_profile_purpose": words.purpose,
        "charging_profile_kind": words.kind,
        "recurrency_kind": words.recurrency,
        "valid_from": moment(profile, "valid_from"),
        "valid_to": moment(profile, "valid_to"),
        "transaction_id": station_transaction_id or None,
        "charging_schedule": [charging_schedule(profile.schedule, profile.id, f"{field}.schedule")],
    }


def charging_schedule(schedule: Schedule, schedule_id: int, field: str) -> Kwargs:
    checked = schedule_values(schedule, field)
    return {
        "id": schedule_id,
        "start_schedule": checked.start,
        "duration": checked.duration,
        "charging_rate_unit": checked.rate_unit,
        "charging_schedule_period": [
            {
                "start_period": period.start_period,
                "limit": period.limit,
                "number_phases": period.number_phases,
            }
            for period in checked.periods
        ],
        "min_charging_rate": checked.min_charging_rate,
    }


def set_request(resolved: Resolved) -> Kwargs:
    """K01: evseId 0 is the whole station (ChargingStationMaxProfile) or every EVSE
    (TxDefaultProfile)."""
    request: operations_pb2.SetChargingProfileRequest = resolved.request
    if not request.HasField("charging_profile"):
        raise InvalidRequest("charging_profile is required")
    return {
        "evse_id": non_negative(request.evse_id, "evse_id", "the whole station"),
        "charging_profile": charging_profile(
            request.charging_profile, "charging_profile", resolved.station_transaction_id
        ),
    }


def set_answer(reply: Reply) -> operations_pb2.SetChargingProfileResponse:
    return operations_pb2.SetChargingProfileResponse(
        status=mapped(_SET_STATUS, reply.payload.status, "status")
    )


def clear_request(request: operations_pb2.ClearChargingProfileRequest) -> Kwargs:
    """K10: every filter is optional; 0 and unspecified mean "any" and are omitted, and
    the criteria object only when one of its filters is given."""
    criteria: Kwargs = {
        "evse_id": request.evse_id or None,
        "charging_profile_purpose": clear_purpose(request, PURPOSE),
        "stack_level": request.stack_level or None,
    }
    given = {key: value for key, value in criteria.items() if value is not None}
    return {
        "charging_profile_id": request.charging_profile_id or None,
        "charging_profile_criteria": given or None,
    }


def clear_answer(answer: Any) -> operations_pb2.ClearChargingProfileResponse:
    return operations_pb2.ClearChargingProfileResponse(
        status=mapped(_CLEAR_STATUS, answer.status, "status")
    )


def composite_request(request: operations_pb2.GetCompositeScheduleRequest) -> Kwargs:
    """K08: evseId 0 asks for the whole station's schedule."""
    unit = composite_unit(request)
    return {
        "duration": request.duration_seconds,
        "evse_id": non_negative(request.evse_id, "evse_id", "the whole station"),
        "charging_rate_unit": unit,
    }


def composite_answer(answer: Any) -> operations_pb2.GetCompositeScheduleResponse:
    """The CompositeScheduleType (snake_case keys as the library hands it over): its
    scheduleStart is both the response's and the schedule's start."""
    response = operations_pb2.GetCompositeScheduleResponse(
        status=mapped(_COMPOSITE_STATUS, answer.status, "status")
    )
    schedule = answer.schedule
    if schedule is None:
        return response
    start: Timestamp = answer_moment(schedule["schedule_start"], "schedule.scheduleStart")
    response.evse_id = schedule["evse_id"]
    response.schedule_start.CopyFrom(start)
    response.schedule.CopyFrom(
        Schedule(
            duration_seconds=schedule["duration"],
            start=start,
            rate_unit=mapped(RATE_UNIT_BACK, schedule["charging_rate_unit"], "chargingRateUnit"),
            periods=[
                smart_charging_pb2.ChargingSchedulePeriod(
                    start_period_seconds=period["start_period"],
                    limit=float(period.get("limit", 0)),
                    number_phases=period.get("number_phases", 0),
                )
                for period in schedule["charging_schedule_period"]
            ],
        )
    )
    return response
