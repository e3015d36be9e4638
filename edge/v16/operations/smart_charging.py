"""OCPP 1.6 Smart Charging profile (OCPP 1.6 §3.13, §5.5, §5.7, §5.16): charging
profiles and schedules, and the operations that set, clear and query them. Pure."""

from __future__ import annotations

from typing import Any

from ocpp.v16 import call, datatypes

from csms.edge.v1 import operations_pb2, smart_charging_pb2
from edge.operation_errors import InvalidRequest
from edge.v16.operations.fields import (
    answer_moment,
    choice,
    connector,
    moment,
    optional_count,
)

Profile = smart_charging_pb2.ChargingProfile
Schedule = smart_charging_pb2.ChargingSchedule

PURPOSE = {
    Profile.CHARGE_POINT_MAX_PROFILE: "ChargePointMaxProfile",
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
    "NotSupported": operations_pb2.SetChargingProfileResponse.NOT_SUPPORTED,
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
    profile: Profile, field: str, *, tx_profile_only: bool = False
) -> datatypes.ChargingProfile:
    """A 1.6 csChargingProfiles. ``tx_profile_only``: the profile of a remote start,
    which is a TxProfile (OCPP 1.6 §5.11), so an unspecified purpose means that."""
    purpose = choice(
        profile.purpose or (Profile.TX_PROFILE if tx_profile_only else 0),
        PURPOSE,
        f"{field}.purpose",
        Profile.Purpose.DESCRIPTOR,
    )
    if tx_profile_only and purpose != "TxProfile":
        raise InvalidRequest(
            f"{field}.purpose must be TX_PROFILE in a remote start (OCPP 1.6 §5.11), "
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
    return datatypes.ChargingProfile(
        charging_profile_id=profile.id,
        stack_level=profile.stack_level,
        charging_profile_purpose=purpose,
        charging_profile_kind=kind,
        charging_schedule=charging_schedule(profile.schedule, f"{field}.schedule"),
        transaction_id=profile.transaction_id or None,
        recurrency_kind=recurrency,
        valid_from=moment(profile, "valid_from"),
        valid_to=moment(profile, "valid_to"),
    )


def charging_schedule(schedule: Schedule, field: str) -> datatypes.ChargingSchedule:
    """Periods keep their order; the schema checks limits are multiples of 0.1."""
    if not schedule.periods:
        raise InvalidRequest(f"{field}.periods needs at least one period")
    return datatypes.ChargingSchedule(
        charging_rate_unit=choice(
            schedule.rate_unit, RATE_UNIT, f"{field}.rate_unit", Schedule.RateUnit.DESCRIPTOR
        ),
        charging_schedule_period=[
            datatypes.ChargingSchedulePeriod(
                start_period=period.start_period_seconds,
                limit=period.limit,
                number_phases=optional_count(
                    period.number_phases, f"{field}.periods[{index}].number_phases"
                ),
            )
            for index, period in enumerate(schedule.periods)
        ],
        duration=optional_count(schedule.duration_seconds, f"{field}.duration_seconds"),
        start_schedule=moment(schedule, "start"),
        min_charging_rate=schedule.min_charging_rate or None,
    )


def set_request(request: operations_pb2.SetChargingProfileRequest) -> call.SetChargingProfile:
    if not request.HasField("charging_profile"):
        raise InvalidRequest("charging_profile is required")
    return call.SetChargingProfile(
        connector_id=connector(request.evse_id),
        cs_charging_profiles=charging_profile(request.charging_profile, "charging_profile"),
    )


def set_answer(answer: Any) -> operations_pb2.SetChargingProfileResponse:
    return operations_pb2.SetChargingProfileResponse(status=_SET_STATUS[answer.status])


def clear_request(request: operations_pb2.ClearChargingProfileRequest) -> call.ClearChargingProfile:
    """Every filter is optional (OCPP 1.6 §5.5); 0 and unspecified mean "any" and are
    omitted, as the protobuf request documents."""
    purpose = (
        choice(request.purpose, PURPOSE, "purpose", Profile.Purpose.DESCRIPTOR)
        if request.purpose
        else None
    )
    if request.charging_profile_id < 0 or request.stack_level < 0 or request.evse_id < 0:
        raise InvalidRequest("charging_profile_id, evse_id and stack_level must be 0 or more")
    return call.ClearChargingProfile(
        id=request.charging_profile_id or None,
        connector_id=request.evse_id or None,
        charging_profile_purpose=purpose,
        stack_level=request.stack_level or None,
    )


def clear_answer(answer: Any) -> operations_pb2.ClearChargingProfileResponse:
    return operations_pb2.ClearChargingProfileResponse(status=_CLEAR_STATUS[answer.status])


def composite_request(
    request: operations_pb2.GetCompositeScheduleRequest,
) -> call.GetCompositeSchedule:
    if request.duration_seconds <= 0:
        raise InvalidRequest(
            f"duration_seconds must be greater than 0, got {request.duration_seconds}"
        )
    unit = (
        choice(request.rate_unit, RATE_UNIT, "rate_unit", Schedule.RateUnit.DESCRIPTOR)
        if request.rate_unit
        else None
    )
    return call.GetCompositeSchedule(
        connector_id=connector(request.evse_id),
        duration=request.duration_seconds,
        charging_rate_unit=unit,
    )


def composite_answer(answer: Any) -> operations_pb2.GetCompositeScheduleResponse:
    response = operations_pb2.GetCompositeScheduleResponse(
        status=_COMPOSITE_STATUS[answer.status], evse_id=answer.connector_id or 0
    )
    if answer.schedule_start is not None:
        response.schedule_start.CopyFrom(answer_moment(answer.schedule_start, "scheduleStart"))
    if answer.charging_schedule is not None:
        response.schedule.CopyFrom(_schedule_answer(answer.charging_schedule))
    return response


def _schedule_answer(schedule: dict[str, Any]) -> Schedule:
    """A schedule in an answer, with snake_case keys as the library hands it over."""
    result = Schedule(
        duration_seconds=schedule.get("duration", 0),
        rate_unit=_RATE_UNIT_BACK[schedule["charging_rate_unit"]],
        min_charging_rate=float(schedule.get("min_charging_rate", 0)),
        periods=[
            smart_charging_pb2.ChargingSchedulePeriod(
                start_period_seconds=period["start_period"],
                limit=float(period["limit"]),
                number_phases=period.get("number_phases", 0),
            )
            for period in schedule["charging_schedule_period"]
        ],
    )
    if "start_schedule" in schedule:
        result.start.CopyFrom(answer_moment(schedule["start_schedule"], "startSchedule"))
    return result
