"""The smart charging rules on what stations report (OCPP 2.0.1 K12, K17)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.charging_needs import Schedule, SchedulePeriod
from chargepoint_svc.domain.smart_charging import (
    ChargingLimit,
    PeriodLimit,
    station_limit,
    watts,
    within_offer,
)

pytestmark = pytest.mark.unit

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
OFFER = Schedule(T0, 3600, (SchedulePeriod(0, 7000.0), SchedulePeriod(1800, 3000.0)))


def _limit(evse_id: int, limit_w: float | None) -> ChargingLimit:
    return ChargingLimit(ChargePointId("CP-1"), evse_id, "EMS", False, limit_w, "", T0)


def test_amperes_are_watts_over_the_phases_at_230_volts() -> None:
    assert watts(16, "A", 0) == 16 * 230 * 3
    assert watts(16, "A", 1) == 16 * 230
    assert watts(7000, "W", 3) == 7000


def test_the_station_limit_is_the_lowest_of_the_evse_and_the_whole_station() -> None:
    limits = [_limit(0, 20_000), _limit(1, 9_000), _limit(2, 4_000), _limit(1, None)]
    assert station_limit(limits, 1) == 9_000
    assert station_limit(limits, 3) == 20_000
    assert station_limit([_limit(2, 4_000)], 1) is None


def test_an_ev_schedule_within_the_offer_is_accepted() -> None:
    ev = [PeriodLimit(0, 7000), PeriodLimit(1800, 2500)]
    assert within_offer(ev, OFFER, T0)


def test_an_ev_schedule_above_the_offer_at_any_moment_is_not() -> None:
    # 5 kW from minute 30 is above the 3 kW offered then.
    assert not within_offer([PeriodLimit(0, 5000)], OFFER, T0 + timedelta(minutes=30))
    assert not within_offer([PeriodLimit(0, 7000), PeriodLimit(1800, 3500)], OFFER, T0)


def test_an_ev_schedule_outside_the_offered_time_is_not() -> None:
    assert not within_offer([PeriodLimit(0, 1000)], OFFER, T0 - timedelta(seconds=1))
    assert not within_offer([PeriodLimit(3600, 1000)], OFFER, T0)
