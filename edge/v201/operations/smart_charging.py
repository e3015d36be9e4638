"""OCPP 2.x smart charging (K01 set, K10 clear, K08 composite schedule): charging
profiles whose schedules are a list, and a transaction named by the station's own id.
Pure."""

from __future__ import annotations

from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from csms.edge.v1 import operations_pb2, smart_charging_pb2
from edge.operation_errors import InvalidRequest
from edge.operations import Reply, Resolved
from edge.v16.operations.fields import answer_moment, choice, moment, optional_count
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
_KIND = {Profile.ABSOLUTE: "Absolute", Profile.RECURRING: "Recurring", Profile.RELATIVE: "Relative"}
_RECURRENCY = {Profile.DAILY: "Daily", Profile.WEEKLY: "Weekly"}
RATE_UNIT = {Schedule.W: "W", Schedule.A: "A"}
_RATE_UNIT_BACK = {text: number for number, text in RATE_UNIT.items()}

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
    purpose = choice(
        profile.purpose or (Profile.TX_PROFILE if tx else 0),
        PURPOSE,
        f"{field}.purpose",
        Profile.Purpose.DESCRIPTOR,
    )
    if tx and purpose != "TxProfile":
        raise InvalidRequest(
            f"{field}.purpose must be TX_PROFILE in a remote start (OCPP 2.0.1 F01), "
            f"got {Profile.Purpose.Name(profile.purpose)}"
        )
    kind = choice(profile.kind, _KIND, f"{field}.kind", Profile.Kind.DESCRIPTOR)
    recurrency = None
    if profile.recurrency or kind == "Recurring":
        recurrency = choice(
            profile.recurrency, _RECURRENCY, f"{field}.recurrency", Profile.Recurrency.DESCRIPTOR
        )
    if not profile.HasField("schedule"):
        raise InvalidRequest(f"{field}.schedule is required")
    if profile.id < 0 or profile.stack_level < 0:
        raise InvalidRequest(f"{field}.id and {field}.stack_level must be 0 or more")
    return {
        "id": profile.id,
        "stack_level": profile.stack_level,
        "charging_profile_purpose": purpose,
        "charging_profile_kind": kind,
        "recurrency_kind": recurrency,
        "valid_from": moment(profile, "valid_from"),
        "valid_to": moment(profile, "valid_to"),
        "transaction_id": station_transaction_id or None,
        "charging_schedule": [charging_schedule(profile.schedule, profile.id, f"{field}.schedule")],
    }


def charging_schedule(schedule: Schedule, schedule_id: int, field: str) -> Kwargs:
    if not schedule.periods:
        raise InvalidRequest(f"{field}.periods needs at least one period")
    return {
        "id": schedule_id,
        "start_schedule": moment(schedule, "start"),
        "duration": optional_count(schedule.duration_seconds, f"{field}.duration_seconds"),
        "charging_rate_unit": choice(
            schedule.rate_unit, RATE_UNIT, f"{field}.rate_unit", Schedule.RateUnit.DESCRIPTOR
        ),
        "charging_schedule_period": [
            {
                "start_period": period.start_period_seconds,
                "limit": period.limit,
                "number_phases": optional_count(
                    period.number_phases, f"{field}.periods[{index}].number_phases"
                ),
            }
            for index, period in enumerate(schedule.periods)
        ],
        "min_charging_rate": schedule.min_charging_rate or None,
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
    if request.charging_profile_id < 0 or request.stack_level < 0 or request.evse_id < 0:
        raise InvalidRequest("charging_profile_id, evse_id and stack_level must be 0 or more")
    criteria: Kwargs = {
        "evse_id": request.evse_id or None,
        "charging_profile_purpose": (
            choice(request.purpose, PURPOSE, "purpose", Profile.Purpose.DESCRIPTOR)
            if request.purpose
            else None
        ),
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
    if request.duration_seconds <= 0:
        raise InvalidRequest(
            f"duration_seconds must be greater than 0, got {request.duration_seconds}"
        )
    unit = (
        choice(request.rate_unit, RATE_UNIT, "rate_unit", Schedule.RateUnit.DESCRIPTOR)
        if request.rate_unit
        else None
    )
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
            rate_unit=mapped(_RATE_UNIT_BACK, schedule["charging_rate_unit"], "chargingRateUnit"),
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
