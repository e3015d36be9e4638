"""OCPP 1.6 Smart Charging profile (OCPP 1.6 §3.13, §5.5, §5.7, §5.16): charging
profiles and schedules, and the operations that set, clear and query them. Pure."""

from __future__ import annotations

from typing import Any

from ocpp.v16 import call, datatypes

from csms.edge.v1 import operations_pb2, smart_charging_pb2
from edge.operations.errors import InvalidRequest
from edge.operations.request_checks import (
    RATE_UNIT_BACK,
    clear_purpose,
    composite_unit,
    profile_words,
    schedule_values,
)
from edge.v16.operations.fields import answer_moment, connector, moment

Profile = smart_charging_pb2.ChargingProfile
Schedule = smart_charging_pb2.ChargingSchedule

PURPOSE = {
    Profile.CHARGE_POINT_MAX_PROFILE: "ChargePointMaxProfile",
    Profile.TX_DEFAULT_PROFILE: "TxDefaultProfile",
    Profile.TX_PROFILE: "TxProfile",
}
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
    words = profile_words(
        profile, field, PURPOSE, tx=tx_profile_only, remote_start="OCPP 1.6 §5.11"
    )
    return datatypes.ChargingProfile(
        charging_profile_id=profile.id,
        stack_level=profile.stack_level,
        charging_profile_purpose=words.purpose,
        charging_profile_kind=words.kind,
        charging_schedule=charging_schedule(profile.schedule, f"{field}.schedule"),
        transaction_id=profile.transaction_id or None,
        recurrency_kind=words.recurrency,
        valid_from=moment(profile, "valid_from"),
        valid_to=moment(profile, "valid_to"),
    )


def charging_schedule(schedule: Schedule, field: str) -> datatypes.ChargingSchedule:
    """Periods keep their order; the schema checks limits are multiples of 0.1."""
    checked = schedule_values(schedule, field)
    return datatypes.ChargingSchedule(
        charging_rate_unit=checked.rate_unit,
        charging_schedule_period=[
            datatypes.ChargingSchedulePeriod(
                start_period=period.start_period,
                limit=period.limit,
                number_phases=period.number_phases,
            )
            for period in checked.periods
        ],
        duration=checked.duration,
        start_schedule=checked.start,
        min_charging_rate=checked.min_charging_rate,
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
    purpose = clear_purpose(request, PURPOSE)
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
    unit = composite_unit(request)
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
        rate_unit=RATE_UNIT_BACK[schedule["charging_rate_unit"]],
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
