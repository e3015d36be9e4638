"""What the CSMS keeps of smart charging as stations report it (OCPP 2.0.1 K): the
profiles a station holds (ReportChargingProfiles, K09), the external limits in force
(NotifyChargingLimit K12 until ClearedChargingLimit K13) and what ISO 15118 EVs asked for
(NotifyEVChargingNeeds K15) with the schedule they answered (NotifyEVChargingSchedule K17).

Profiles and schedules are kept as the version-neutral API's JSON documents: the service
reads only the fields it decides on (EVSE, source, id, a limit in watts) and hands the rest
back as reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.charging_needs import Schedule

# 2.0.1 ChargingLimitSourceEnumType; CSO is the CSMS itself.
LIMIT_SOURCES = ("CSO", "EMS", "SO", "OTHER")
# The nominal voltage that turns a limit in amperes into watts (per phase).
NOMINAL_VOLTAGE = 230.0


@dataclass(frozen=True)
class HeldProfile:
    """A profile ``charge_point_id`` holds on ``evse_id`` (0: the whole station)."""

    charge_point_id: ChargePointId
    evse_id: int
    profile_id: int
    source: str
    document: str
    reported_at: datetime


@dataclass(frozen=True)
class ChargingLimit:
    """An external limit in force on ``evse_id`` (0: the whole station), from ``source``.
    ``limit_w``: its first period's limit in watts; None without a schedule."""

    charge_point_id: ChargePointId
    evse_id: int
    source: str
    grid_critical: bool
    limit_w: float | None
    schedule: str
    reported_at: datetime


@dataclass(frozen=True)
class NeedsRecord:
    """The last needs an EV stated on ``evse_id``, the schedule offered for them
    (``offered``: JSON, "" when none) and the EV's own schedule (K17, "" until it came)."""

    charge_point_id: ChargePointId
    evse_id: int
    energy_transfer: str
    energy_wh: float | None
    max_power_w: float
    departure: datetime | None
    reported_at: datetime
    offered: str = ""
    ev_schedule: str = ""
    ev_schedule_accepted: bool = False


@dataclass(frozen=True)
class LibraryProfile:
    """A profile an operator keeps under ``name`` to apply to stations: ``document`` is
    the profile (its OCPP id ``profile_id`` included) as the API gives it."""

    name: str
    profile_id: int
    document: str
    created_at: datetime


# A library name goes in URLs: letters, digits, '.', '_', '-', 1 to 64 of them.
LIBRARY_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")


def library_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a library profile, or None."""
    if LIBRARY_NAME.fullmatch(name):
        return None
    return f"name {name!r} must be 1 to 64 letters, digits, '.', '_' or '-' (it goes in the URL)"


@dataclass(frozen=True)
class PeriodLimit:
    """One period of a schedule, its limit in watts."""

    start_seconds: int
    limit_w: float


def watts(limit: float, unit: str, phases: int) -> float:
    """A limit in the schedule's unit ("W" or "A") in watts: amperes per phase over
    ``phases`` (0: the default 3 of 2.0.1 ChargingSchedulePeriodType) at 230 V."""
    if unit == "A":
        return limit * NOMINAL_VOLTAGE * (phases or 3)
    return limit


def station_limit(limits: Sequence[ChargingLimit], evse_id: int) -> float | None:
    """The lowest external limit in force on ``evse_id``: its own and the station's."""
    applying = [
        limit.limit_w
        for limit in limits
        if limit.limit_w is not None and limit.evse_id in (0, evse_id)
    ]
    return min(applying) if applying else None


def within_offer(ev: Sequence[PeriodLimit], offered: Schedule, ev_start: datetime) -> bool:
    """K17: whether every period of the EV's schedule (starting at ``ev_start``) stays
    at or below the offered limit in force at the same moment. A period starting after
    the offered schedule ended is beyond what the CSMS allowed."""
    for period in ev:
        moment = (ev_start - offered.start).total_seconds() + period.start_seconds
        allowed = _offered_at(offered, moment)
        if allowed is None or period.limit_w > allowed + 1e-6:
            return False
    return True


def _offered_at(offered: Schedule, moment: float) -> float | None:
    if moment < 0:
        return None
    if offered.duration_seconds is not None and moment >= offered.duration_seconds:
        return None
    current: float | None = None
    for period in offered.periods:
        if period.start_seconds <= moment:
            current = period.limit_w
    return current
