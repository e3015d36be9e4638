"""Checks of API requests that every OCPP version makes the same way: charging profiles
and schedules (OCPP 1.6 §3.13, 2.0.1 K01), their clear and composite-schedule filters,
and local list entries (OCPP 1.6 §5.15, 2.0.1 D01). The enum spellings checked here are
the same in 1.6 and 2.x; each version's translator builds its own message from the
checked values. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from csms.edge.v1 import operations_pb2, smart_charging_pb2
from edge.operations.errors import InvalidRequest
from edge.v16.operations.fields import choice, moment, optional_count, required

Profile = smart_charging_pb2.ChargingProfile
Schedule = smart_charging_pb2.ChargingSchedule
ListRequest = operations_pb2.SendLocalListRequest
Authorization = operations_pb2.LocalAuthorization

KIND = {Profile.ABSOLUTE: "Absolute", Profile.RECURRING: "Recurring", Profile.RELATIVE: "Relative"}
RECURRENCY = {Profile.DAILY: "Daily", Profile.WEEKLY: "Weekly"}
RATE_UNIT = {Schedule.W: "W", Schedule.A: "A"}
RATE_UNIT_BACK = {text: number for number, text in RATE_UNIT.items()}
UPDATE_TYPE = {ListRequest.FULL: "Full", ListRequest.DIFFERENTIAL: "Differential"}
# OCPP 1.6 §7.2 AuthorizationStatus; 2.0.1 AuthorizationStatusEnumType has these too.
AUTHORIZATION = {
    Authorization.ACCEPTED: "Accepted",
    Authorization.BLOCKED: "Blocked",
    Authorization.EXPIRED: "Expired",
    Authorization.INVALID: "Invalid",
    Authorization.CONCURRENT_TX: "ConcurrentTx",
}


@dataclass(frozen=True)
class CheckedProfile:
    """The words of a charging profile, checked; its schedule is checked separately."""

    purpose: str
    kind: str
    recurrency: str | None


@dataclass(frozen=True)
class CheckedPeriod:
    start_period: int
    limit: float
    number_phases: int | None


@dataclass(frozen=True)
class CheckedSchedule:
    rate_unit: str
    periods: list[CheckedPeriod]
    duration: int | None
    start: str | None
    min_charging_rate: float | None


@dataclass(frozen=True)
class CheckedAuthorization:
    status: str
    parent_id_tag: str
    expires_at: str | None


@dataclass(frozen=True)
class CheckedEntry:
    """A local list entry; no authorization removes the id tag (differential only)."""

    id_tag: str
    authorization: CheckedAuthorization | None
    # The 2.x IdTokenEnumType; the version's schema checks the word.
    id_token_type: str = "ISO14443"


def profile_words(
    profile: Profile, field: str, purposes: Mapping[Any, str], *, tx: bool, remote_start: str
) -> CheckedProfile:
    """``purposes``: the version's purpose spellings. ``tx``: the profile of a remote
    start, a TxProfile, so an unspecified purpose means that; ``remote_start`` names the
    rule in the version's specification for the error."""
    purpose = choice(
        profile.purpose or (Profile.TX_PROFILE if tx else 0),
        purposes,
        f"{field}.purpose",
        Profile.Purpose.DESCRIPTOR,
    )
    if tx and purpose != "TxProfile":
        raise InvalidRequest(
            f"{field}.purpose must be TX_PROFILE in a remote start ({remote_start}), "
            f"got {Profile.Purpose.Name(profile.purpose)}"
        )
    kind = choice(profile.kind, KIND, f"{field}.kind", Profile.Kind.DESCRIPTOR)
    recurrency = None
    if profile.recurrency or kind == "Recurring":
        recurrency = choice(
            profile.recurrency, RECURRENCY, f"{field}.recurrency", Profile.Recurrency.DESCRIPTOR
        )
    if not profile.HasField("schedule"):
        raise InvalidRequest(f"{field}.schedule is required")
    if profile.id < 0 or profile.stack_level < 0:
        raise InvalidRequest(f"{field}.id and {field}.stack_level must be 0 or more")
    return CheckedProfile(purpose, kind, recurrency)


def schedule_values(schedule: Schedule, field: str) -> CheckedSchedule:
    """Periods keep their order; the schema checks limits are multiples of 0.1."""
    if not schedule.periods:
        raise InvalidRequest(f"{field}.periods needs at least one period")
    return CheckedSchedule(
        rate_unit=choice(
            schedule.rate_unit, RATE_UNIT, f"{field}.rate_unit", Schedule.RateUnit.DESCRIPTOR
        ),
        periods=[
            CheckedPeriod(
                start_period=period.start_period_seconds,
                limit=period.limit,
                number_phases=optional_count(
                    period.number_phases, f"{field}.periods[{index}].number_phases"
                ),
            )
            for index, period in enumerate(schedule.periods)
        ],
        duration=optional_count(schedule.duration_seconds, f"{field}.duration_seconds"),
        start=moment(schedule, "start"),
        min_charging_rate=schedule.min_charging_rate or None,
    )


def clear_purpose(
    request: operations_pb2.ClearChargingProfileRequest, purposes: Mapping[Any, str]
) -> str | None:
    """The purpose filter of a clear, if any, once the numeric filters are checked;
    0 and unspecified mean "any"."""
    purpose = (
        choice(request.purpose, purposes, "purpose", Profile.Purpose.DESCRIPTOR)
        if request.purpose
        else None
    )
    if request.charging_profile_id < 0 or request.stack_level < 0 or request.evse_id < 0:
        raise InvalidRequest("charging_profile_id, evse_id and stack_level must be 0 or more")
    return purpose


def composite_unit(request: operations_pb2.GetCompositeScheduleRequest) -> str | None:
    """The rate unit asked for, if any, once the duration is checked."""
    if request.duration_seconds <= 0:
        raise InvalidRequest(
            f"duration_seconds must be greater than 0, got {request.duration_seconds}"
        )
    return (
        choice(request.rate_unit, RATE_UNIT, "rate_unit", Schedule.RateUnit.DESCRIPTOR)
        if request.rate_unit
        else None
    )


def list_update(request: ListRequest) -> tuple[str, list[CheckedEntry]]:
    """The update type and entries of a SendLocalList: authorization is required in a
    full update; in a differential update an entry without it removes the id tag."""
    update_type = choice(
        request.update_type, UPDATE_TYPE, "update_type", ListRequest.UpdateType.DESCRIPTOR
    )
    if request.version <= 0:
        raise InvalidRequest(f"version must be greater than 0, got {request.version}")
    entries = []
    for index, entry in enumerate(request.entries):
        field = f"entries[{index}]"
        id_tag = required(entry.id_tag, f"{field}.id_tag")
        authorization = None
        if entry.HasField("authorization"):
            authorization = _authorization(entry.authorization, f"{field}.authorization")
        elif update_type == "Full":
            raise InvalidRequest(
                f"{field}.authorization is required in a FULL update; only a DIFFERENTIAL "
                "update removes an id tag by leaving it out"
            )
        entries.append(CheckedEntry(id_tag, authorization, entry.id_token_type or "ISO14443"))
    return update_type, entries


def _authorization(authorization: Authorization, field: str) -> CheckedAuthorization:
    return CheckedAuthorization(
        status=choice(
            authorization.status, AUTHORIZATION, f"{field}.status", Authorization.Status.DESCRIPTOR
        ),
        parent_id_tag=authorization.parent_id_tag,
        expires_at=moment(authorization, "expires_at"),
    )
