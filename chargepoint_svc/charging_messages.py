"""Translation between the smart charging messages of ``csms.chargepoint.v1`` and domain
values (:mod:`chargepoint_svc.domain.smart_charging`, ``charging_needs``).

Profiles and schedules are kept as the JSON the version-neutral API gives them
(``json_format``), so what the API hands back is what the station reported. A number no
enum names, or a value out of range, is the caller's mistake: :class:`InvalidReport`.
"""

from __future__ import annotations

from datetime import datetime

from google.protobuf import json_format

from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.charging_needs import (
    ChargingNeeds,
    Schedule,
    ac_max_power,
    dc_max_power,
)
from chargepoint_svc.domain.smart_charging import (
    ChargingLimit,
    HeldProfile,
    LibraryProfile,
    NeedsRecord,
    PeriodLimit,
    watts,
)
from chargepoint_svc.errors import InvalidReport
from chargepoint_svc.use_cases.smart_charging import (
    EVSchedule,
    LimitDraft,
    NeedsDraft,
    ProfileDraft,
    schedule_from_document,
)
from csms.chargepoint.v1 import smart_charging_pb2 as charging_pb2
from csms.edge.v1 import smart_charging_pb2 as edge_charging_pb2
from servicekit.timestamps import from_timestamp, to_timestamp

_SOURCES: dict[edge_charging_pb2.LimitSource.ValueType, str] = {
    edge_charging_pb2.CSO: "CSO",
    edge_charging_pb2.EMS: "EMS",
    edge_charging_pb2.SO: "SO",
    edge_charging_pb2.OTHER: "OTHER",
}
_SOURCE_NUMBERS = {name: number for number, name in _SOURCES.items()}
_Schedule = edge_charging_pb2.ChargingSchedule
_UNITS = {_Schedule.W: "W", _Schedule.A: "A"}


def source_from_proto(number: edge_charging_pb2.LimitSource.ValueType) -> str:
    """The limit source; unspecified is the CSMS itself (CSO), as a station that sets no
    source means (2.0.1 ChargingLimitSourceEnumType)."""
    if number == edge_charging_pb2.LIMIT_SOURCE_UNSPECIFIED:
        return "CSO"
    try:
        return _SOURCES[number]
    except KeyError:
        raise InvalidReport(
            f"source {number} is not a limit source (CSO, EMS, SO, OTHER)"
        ) from None


def _evse(evse_id: int) -> int:
    if evse_id < 0:
        raise InvalidReport(f"evse_id must be 0 (the whole station) or more, got {evse_id}")
    return evse_id


def profiles_from_proto(
    request: charging_pb2.RecordChargingProfilesRequest,
) -> list[ProfileDraft]:
    evse_id = _evse(request.evse_id)
    source = source_from_proto(request.source)
    documents = [
        (profile.id, json_format.MessageToJson(profile, indent=None))
        for profile in request.profiles
    ]

    def draft(profile_id: int, document: str) -> ProfileDraft:
        def held(cp_id: ChargePointId, now: datetime) -> HeldProfile:
            return HeldProfile(cp_id, evse_id, profile_id, source, document, now)

        return held

    return [draft(profile_id, document) for profile_id, document in documents]


def held_profile_to_proto(held: HeldProfile) -> charging_pb2.HeldChargingProfile:
    profile = json_format.Parse(held.document, edge_charging_pb2.ChargingProfile())
    return charging_pb2.HeldChargingProfile(
        evse_id=held.evse_id,
        source=_SOURCE_NUMBERS[held.source],
        profile=profile,
        reported_at=to_timestamp(held.reported_at),
    )


def limit_from_proto(request: charging_pb2.RecordChargingLimitRequest) -> LimitDraft:
    message = request.limit
    evse_id = _evse(message.evse_id)
    source = source_from_proto(message.source)
    has_schedule = message.HasField("schedule") and len(message.schedule.periods) > 0
    schedule = json_format.MessageToJson(message.schedule, indent=None) if has_schedule else ""
    limit_w = _first_limit_w(message.schedule) if has_schedule else None

    def draft(cp_id: ChargePointId, now: datetime) -> ChargingLimit:
        return ChargingLimit(cp_id, evse_id, source, message.grid_critical, limit_w, schedule, now)

    return draft


def _first_limit_w(schedule: edge_charging_pb2.ChargingSchedule) -> float:
    unit = _UNITS.get(schedule.rate_unit)
    if unit is None:
        raise InvalidReport("limit.schedule.rate_unit must be W or A")
    first = min(schedule.periods, key=lambda period: period.start_period_seconds)
    return watts(first.limit, unit, first.number_phases)


def limit_to_proto(limit: ChargingLimit) -> charging_pb2.ChargingLimit:
    message = charging_pb2.ChargingLimit(
        evse_id=limit.evse_id,
        source=_SOURCE_NUMBERS[limit.source],
        grid_critical=limit.grid_critical,
        limit_w=limit.limit_w or 0.0,
        reported_at=to_timestamp(limit.reported_at),
    )
    if limit.schedule:
        json_format.Parse(limit.schedule, message.schedule)
    return message


def needs_from_proto(request: charging_pb2.RecordEVChargingNeedsRequest) -> NeedsDraft:
    needs = request.needs
    if needs.energy_transfer.startswith("AC"):
        max_power = ac_max_power(needs.max_current_a, needs.max_voltage_v)
    else:
        max_power = dc_max_power(needs.max_power_w, needs.max_current_a, needs.max_voltage_v)
    if max_power <= 0:
        raise InvalidReport(
            "needs.max_power_w, or needs.max_current_a and needs.max_voltage_v, must give the"
            " EV's maximum power (more than 0 W)"
        )
    if needs.energy_wh < 0:
        raise InvalidReport(
            f"needs.energy_wh must be 0 (not stated) or more, got {needs.energy_wh}"
        )
    return NeedsDraft(
        evse_id=_evse(needs.evse_id),
        energy_transfer=needs.energy_transfer,
        needs=ChargingNeeds(
            max_power_w=max_power,
            energy_wh=needs.energy_wh or None,
            departure=from_timestamp(needs.departure),
        ),
    )


def schedule_to_proto(schedule: Schedule) -> edge_charging_pb2.ChargingSchedule:
    return edge_charging_pb2.ChargingSchedule(
        duration_seconds=schedule.duration_seconds or 0,
        start=to_timestamp(schedule.start),
        rate_unit=_Schedule.W,
        periods=[
            edge_charging_pb2.ChargingSchedulePeriod(
                start_period_seconds=period.start_seconds, limit=period.limit_w
            )
            for period in schedule.periods
        ],
    )


def ev_schedule_from_proto(
    request: charging_pb2.RecordEVChargingScheduleRequest, received: datetime
) -> EVSchedule:
    """The EV's schedule in watts; one without a start starts on receipt (K17 timeBase is
    the station's reference, which the edge puts in ``start``)."""
    schedule = request.schedule
    unit = _UNITS.get(schedule.rate_unit)
    if unit is None:
        raise InvalidReport("schedule.rate_unit must be W or A")
    if not schedule.periods:
        raise InvalidReport("schedule.periods must hold at least one period")
    start = from_timestamp(schedule.start) or received
    return EVSchedule(
        evse_id=_evse(request.evse_id),
        start=start,
        periods=tuple(
            PeriodLimit(
                period.start_period_seconds, watts(period.limit, unit, period.number_phases)
            )
            for period in schedule.periods
        ),
        document=json_format.MessageToJson(schedule, indent=None),
    )


def needs_to_proto(record: NeedsRecord) -> charging_pb2.EVChargingNeeds:
    message = charging_pb2.EVChargingNeeds(
        evse_id=record.evse_id,
        energy_transfer=record.energy_transfer,
        energy_wh=record.energy_wh or 0.0,
        max_power_w=record.max_power_w,
        reported_at=to_timestamp(record.reported_at),
        ev_schedule_accepted=record.ev_schedule_accepted,
    )
    departure = to_timestamp(record.departure)
    if departure is not None:
        message.departure.CopyFrom(departure)
    offered = schedule_from_document(record.offered)
    if offered is not None:
        message.offered.CopyFrom(schedule_to_proto(offered))
    if record.ev_schedule:
        json_format.Parse(record.ev_schedule, message.ev_schedule)
    return message


def library_profile_from_proto(
    request: charging_pb2.CreateLibraryChargingProfileRequest,
) -> tuple[int, str]:
    """The profile's OCPP id and its document. The edge checks every OCPP rule when the
    profile is applied; here only what makes it a profile at all."""
    if not request.HasField("profile"):
        raise InvalidReport("profile is required")
    profile = request.profile
    if profile.id <= 0:
        raise InvalidReport(f"profile.id must be a positive OCPP profile id, got {profile.id}")
    if profile.stack_level < 0:
        raise InvalidReport(f"profile.stack_level must be 0 or more, got {profile.stack_level}")
    if not profile.schedule.periods:
        raise InvalidReport("profile.schedule.periods must hold at least one period")
    if profile.purpose == edge_charging_pb2.ChargingProfile.CHARGING_STATION_EXTERNAL_CONSTRAINTS:
        # OCPP 2.0.1 K01.FR.22: the CSMS never sets these; stations report them.
        raise InvalidReport(
            "profile.purpose CHARGING_STATION_EXTERNAL_CONSTRAINTS is set by stations only"
        )
    return profile.id, json_format.MessageToJson(profile, indent=None)


def library_profile_to_proto(profile: LibraryProfile) -> charging_pb2.LibraryChargingProfile:
    return charging_pb2.LibraryChargingProfile(
        name=profile.name,
        profile=json_format.Parse(profile.document, edge_charging_pb2.ChargingProfile()),
        created_at=to_timestamp(profile.created_at),
    )
