"""The schedule the CSMS offers an EV that stated its charging needs (OCPP 2.0.1 K15).

With ISO 15118 the EV tells the station what it needs (NotifyEVChargingNeeds: energy
amount, departure time, its maximum current, voltage or power); the CSMS answers with a
TxProfile for that transaction (K15.FR.03/K15.FR.04) whose schedule must respect both what
the EV can take and what the site can give. The rule here, as a pure function:

1. The power limit is the lower of the EV's maximum and the site's limit (the operator's
   per-station limit, the external limit the station reported in NotifyChargingLimit (K12),
   or the CSMS default ``CSMS_SITE_LIMIT_W``: whichever is lowest, :func:`site_limit`).
2. With an energy amount and a departure time, the EV gets the lowest constant power that
   delivers the amount by departure (spreading the load over the stay is what smart
   charging is for), never more than the limit; when even the limit cannot deliver it
   in time, the whole stay at the limit (the most the site can do).
3. With an energy amount but no departure time, the limit until the amount is delivered.
4. Without an energy amount, the limit with no end.

Schedules are in watts: AC needs give a current, turned into power over three phases at
the nominal voltage the EV states (the default number of phases of a period is 3, OCPP
2.0.1 ChargingSchedulePeriodType.numberPhases).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

# OCPP 2.0.1 ChargingSchedulePeriodType: numberPhases defaults to 3 when absent.
DEFAULT_PHASES = 3


@dataclass(frozen=True)
class ChargingNeeds:
    """What an EV asked for (2.0.1 ChargingNeedsType, in SI units). ``max_power_w`` is
    the EV's maximum power: DC's evMaxPower, or its maximum current times voltage."""

    max_power_w: float
    energy_wh: float | None = None
    departure: datetime | None = None


@dataclass(frozen=True)
class SchedulePeriod:
    start_seconds: int
    limit_w: float


@dataclass(frozen=True)
class Schedule:
    """A one-transaction schedule in W from ``start``; ``duration_seconds`` None: no end."""

    start: datetime
    duration_seconds: int | None
    periods: tuple[SchedulePeriod, ...]


def ac_max_power(max_current_a: float, max_voltage_v: float) -> float:
    """An AC EV's maximum power: its per-phase current over three phases."""
    return max_current_a * max_voltage_v * DEFAULT_PHASES


def dc_max_power(max_power_w: float | None, max_current_a: float, max_voltage_v: float) -> float:
    """A DC EV's maximum power: evMaxPower when stated, else current times voltage."""
    if max_power_w:
        return max_power_w
    return max_current_a * max_voltage_v


def site_limit(*limits_w: float | None) -> float | None:
    """The lowest of the limits that apply (rule 1); None when none is set."""
    given = [limit for limit in limits_w if limit is not None and limit > 0]
    return min(given) if given else None


def plan(needs: ChargingNeeds, site_w: float | None, now: datetime) -> Schedule:
    """The schedule rules 1-4 give the EV from ``now``."""
    limit = needs.max_power_w if site_w is None else min(needs.max_power_w, site_w)
    limit = _floor_tenth(max(limit, 0.0))
    energy = needs.energy_wh
    if energy is None or energy <= 0 or limit <= 0:
        return Schedule(now, None, (SchedulePeriod(0, limit),))
    if needs.departure is not None:
        stay = math.floor((needs.departure - now).total_seconds())
        if stay > 0:
            gentle = _ceil_tenth(energy * 3600 / stay)
            return Schedule(now, stay, (SchedulePeriod(0, min(gentle, limit)),))
    return Schedule(now, math.ceil(energy * 3600 / limit), (SchedulePeriod(0, limit),))


def delivered_wh(schedule: Schedule) -> float:
    """The energy ``schedule`` delivers when the EV takes every watt it allows; infinite
    for a schedule without end and a positive limit."""
    total = 0.0
    periods = schedule.periods
    for index, period in enumerate(periods):
        if index + 1 < len(periods):
            seconds: float = periods[index + 1].start_seconds - period.start_seconds
        elif schedule.duration_seconds is None:
            seconds = math.inf if period.limit_w > 0 else 0.0
        else:
            seconds = schedule.duration_seconds - period.start_seconds
        total += period.limit_w * seconds / 3600
    return total


# Limits go to stations with one decimal: a rate a person reads back in a report, and a
# gentle rate rounded up so the energy is still delivered by departure (rule 2).
def _ceil_tenth(value: float) -> float:
    return math.ceil(value * 10) / 10


def _floor_tenth(value: float) -> float:
    return math.floor(value * 10) / 10
