"""OCPP 2.x smart charging messages a station sends (K09 ReportChargingProfiles, K12
NotifyChargingLimit, K13 ClearedChargingLimit, K15 NotifyEVChargingNeeds, K17
NotifyEVChargingSchedule) to the version-neutral requests of ChargePointService, and the
TxProfile that follows an EV's needs back to a SetChargingProfile call. Pure; 2.1 uses it
over its own vocabulary (its types carry these fields under the same names)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from csms.chargepoint.v1 import smart_charging_pb2 as charging_pb2
from csms.edge.v1 import smart_charging_pb2 as edge_pb2
from edge.v201.translate import Vocabulary
from edge.v201.values import format_timestamp, parse_timestamp

Payload = Mapping[str, Any]
Profile = edge_pb2.ChargingProfile
Schedule = edge_pb2.ChargingSchedule

# 2.0.1 ChargingLimitSourceEnumType.
SOURCE = {
    "CSO": edge_pb2.CSO,
    "EMS": edge_pb2.EMS,
    "SO": edge_pb2.SO,
    "Other": edge_pb2.OTHER,
}
PURPOSE = {
    "ChargingStationMaxProfile": Profile.CHARGE_POINT_MAX_PROFILE,
    "TxDefaultProfile": Profile.TX_DEFAULT_PROFILE,
    "TxProfile": Profile.TX_PROFILE,
    "ChargingStationExternalConstraints": Profile.CHARGING_STATION_EXTERNAL_CONSTRAINTS,
}
KIND = {"Absolute": Profile.ABSOLUTE, "Recurring": Profile.RECURRING, "Relative": Profile.RELATIVE}
RECURRENCY = {"Daily": Profile.DAILY, "Weekly": Profile.WEEKLY}
RATE_UNIT = {"W": Schedule.W, "A": Schedule.A}


def schedule(payload: Payload, field: str) -> Schedule:
    """A ChargingScheduleType (the schema has checked its enums and required fields)."""
    message = Schedule(
        duration_seconds=payload.get("duration", 0),
        rate_unit=RATE_UNIT[payload["charging_rate_unit"]],
        min_charging_rate=payload.get("min_charging_rate", 0.0),
        periods=[
            edge_pb2.ChargingSchedulePeriod(
                start_period_seconds=period["start_period"],
                limit=period["limit"],
                number_phases=period.get("number_phases", 0),
            )
            for period in payload["charging_schedule_period"]
        ],
    )
    start = payload.get("start_schedule")
    if start is not None:
        message.start.CopyFrom(parse_timestamp(start, f"{field}.startSchedule"))
    return message


def profile(payload: Payload, field: str) -> Profile:
    """A ChargingProfileType. The API has one schedule per profile: the first of the
    list (2.0.1 allows up to three, for ISO 15118 schedule choices). The station's
    transactionId is not the CSMS's, so a TxProfile's stays unset."""
    message = Profile(
        id=payload["id"],
        stack_level=payload["stack_level"],
        purpose=PURPOSE[payload["charging_profile_purpose"]],
        kind=KIND[payload["charging_profile_kind"]],
        recurrency=RECURRENCY.get(
            payload.get("recurrency_kind") or "", Profile.RECURRENCY_UNSPECIFIED
        ),
        schedule=schedule(payload["charging_schedule"][0], f"{field}.chargingSchedule[0]"),
    )
    for name, key in (("valid_from", "validFrom"), ("valid_to", "validTo")):
        moment = payload.get(name)
        if moment is not None:
            getattr(message, name).CopyFrom(parse_timestamp(moment, f"{field}.{key}"))
    return message


def profiles_request(
    charge_point_id: str, payload: Payload
) -> charging_pb2.RecordChargingProfilesRequest:
    return charging_pb2.RecordChargingProfilesRequest(
        charge_point_id=charge_point_id,
        request_id=payload["request_id"],
        evse_id=payload["evse_id"],
        source=SOURCE[payload["charging_limit_source"]],
        profiles=[
            profile(item, f"chargingProfile[{index}]")
            for index, item in enumerate(payload["charging_profile"])
        ],
        tbc=payload.get("tbc", False),
    )


def limit_request(
    charge_point_id: str, payload: Payload
) -> charging_pb2.RecordChargingLimitRequest:
    """K12: the limit's first schedule, when it sent one (K12.FR.04 lets it)."""
    limit = payload["charging_limit"]
    message = charging_pb2.ChargingLimit(
        evse_id=payload.get("evse_id", 0),
        source=SOURCE[limit["charging_limit_source"]],
        grid_critical=limit.get("is_grid_critical", False),
    )
    schedules = payload.get("charging_schedule") or []
    if schedules:
        message.schedule.CopyFrom(schedule(schedules[0], "chargingSchedule[0]"))
    return charging_pb2.RecordChargingLimitRequest(charge_point_id=charge_point_id, limit=message)


def cleared_limit_request(
    charge_point_id: str, payload: Payload
) -> charging_pb2.RecordClearedChargingLimitRequest:
    return charging_pb2.RecordClearedChargingLimitRequest(
        charge_point_id=charge_point_id,
        source=SOURCE[payload["charging_limit_source"]],
        evse_id=payload.get("evse_id", 0),
    )


def needs_request(
    charge_point_id: str, payload: Payload
) -> charging_pb2.RecordEVChargingNeedsRequest:
    """K15 ChargingNeedsType: AC or DC parameters, whichever the EV sent."""
    needs = payload["charging_needs"]
    ac = needs.get("ac_charging_parameters") or {}
    dc = needs.get("dc_charging_parameters") or {}
    parameters = dc or ac
    message = charging_pb2.EVChargingNeeds(
        evse_id=payload["evse_id"],
        energy_transfer=needs["requested_energy_transfer"],
        energy_wh=parameters.get("energy_amount", 0),
        max_power_w=dc.get("ev_max_power", 0),
        max_current_a=parameters.get("ev_max_current", 0),
        max_voltage_v=parameters.get("ev_max_voltage", 0),
    )
    departure = needs.get("departure_time")
    if departure is not None:
        message.departure.CopyFrom(parse_timestamp(departure, "chargingNeeds.departureTime"))
    return charging_pb2.RecordEVChargingNeedsRequest(charge_point_id=charge_point_id, needs=message)


def needs_result(words: Vocabulary, *, transaction_found: bool) -> Any:
    """K15: Accepted, a TxProfile follows (:func:`tx_profile_call`); Rejected when no
    transaction runs on the EVSE, so no TxProfile can (K01.FR.03)."""
    if transaction_found:
        return words.call_result.NotifyEVChargingNeeds(status="Accepted")
    return words.call_result.NotifyEVChargingNeeds(
        status="Rejected",
        status_info={
            "reason_code": "NoTransaction",
            "additional_info": "no transaction is active on this EVSE",
        },
    )


def ev_schedule_request(
    charge_point_id: str, payload: Payload
) -> charging_pb2.RecordEVChargingScheduleRequest:
    """K17: the EV's schedule counts from its startSchedule, else from timeBase."""
    message = schedule(payload["charging_schedule"], "chargingSchedule")
    if not message.HasField("start"):
        message.start.CopyFrom(parse_timestamp(payload["time_base"], "timeBase"))
    return charging_pb2.RecordEVChargingScheduleRequest(
        charge_point_id=charge_point_id, evse_id=payload["evse_id"], schedule=message
    )


def ev_schedule_result(
    reply: charging_pb2.RecordEVChargingScheduleResponse, words: Vocabulary
) -> Any:
    return words.call_result.NotifyEVChargingSchedule(
        status="Accepted" if reply.accepted else "Rejected"
    )


def tx_profile_call(
    offered: Schedule, evse_id: int, profile_id: int, transaction_id: str, words: Vocabulary
) -> Any:
    """K15.FR.03: the schedule computed for the EV's needs as the transaction's
    TxProfile (absolute, from the schedule's start)."""
    return words.call.SetChargingProfile(
        evse_id=evse_id,
        charging_profile={
            "id": profile_id,
            "stack_level": 0,
            "charging_profile_purpose": "TxProfile",
            "charging_profile_kind": "Absolute",
            "transaction_id": transaction_id,
            "charging_schedule": [
                {
                    "id": profile_id,
                    "start_schedule": format_timestamp(offered.start),
                    "duration": offered.duration_seconds or None,
                    "charging_rate_unit": "W",
                    "charging_schedule_period": [
                        {"start_period": period.start_period_seconds, "limit": period.limit}
                        for period in offered.periods
                    ],
                }
            ],
        },
    )


def offer_held_request(
    charge_point_id: str, offered: Schedule, evse_id: int, profile_id: int
) -> charging_pb2.RecordChargingProfilesRequest:
    """The TxProfile of :func:`tx_profile_call` as the station now holds it, once it
    accepted it: set by the CSMS (source CSO)."""
    return charging_pb2.RecordChargingProfilesRequest(
        charge_point_id=charge_point_id,
        evse_id=evse_id,
        source=edge_pb2.CSO,
        profiles=[
            Profile(
                id=profile_id,
                purpose=Profile.TX_PROFILE,
                kind=Profile.ABSOLUTE,
                schedule=offered,
            )
        ],
    )
