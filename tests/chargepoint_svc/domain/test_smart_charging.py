"""The smart charging rules on what stations report (OCPP 2.0.1 K12, K17)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.charging_needs import ChargingNeeds, Schedule, SchedulePeriod, plan
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


powers = st.integers(min_value=1, max_value=3_500_000).map(lambda tenths: tenths / 10)


@given(
    ev=powers,
    site=st.none() | powers,
    energy=st.none() | st.floats(min_value=1, max_value=200_000),
    stay=st.none() | st.integers(min_value=1, max_value=3 * 24 * 3600),
    margin=st.floats(min_value=0.1, max_value=1000),
)
def test_the_offer_itself_is_within_the_offer_and_anything_above_it_is_not(
    ev: float, site: float | None, energy: float | None, stay: int | None, margin: float
) -> None:
    departure = None if stay is None else T0 + timedelta(seconds=stay)
    offer = plan(ChargingNeeds(ev, energy, departure), site, T0)
    same = [PeriodLimit(p.start_seconds, p.limit_w) for p in offer.periods]
    assert within_offer(same, offer, T0)
    above = [PeriodLimit(p.start_seconds, p.limit_w + margin) for p in offer.periods]
    assert not within_offer(above, offer, T0)
