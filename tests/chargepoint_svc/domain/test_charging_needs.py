"""The schedule offered to an EV that stated its needs (OCPP 2.0.1 K15): examples, and
properties over any needs and site limit: never above either limit, never past
departure, the requested energy delivered by departure whenever the limit allows it."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chargepoint_svc.domain.charging_needs import (
    ChargingNeeds,
    SchedulePeriod,
    ac_max_power,
    dc_max_power,
    delivered_wh,
    plan,
    site_limit,
)

pytestmark = pytest.mark.unit

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
# Limits in tenths of a watt, as stations are given them.
powers = st.integers(min_value=1, max_value=3_500_000).map(lambda tenths: tenths / 10)
energies = st.floats(min_value=1, max_value=200_000, allow_nan=False)
stays = st.integers(min_value=1, max_value=3 * 24 * 3600)


def test_a_departure_far_enough_spreads_the_energy_over_the_stay() -> None:
    needs = ChargingNeeds(max_power_w=11_000, energy_wh=20_000, departure=NOW + timedelta(hours=8))
    schedule = plan(needs, 22_000, NOW)
    assert schedule.duration_seconds == 8 * 3600
    assert schedule.periods == (SchedulePeriod(0, 2500.0),)


def test_a_departure_too_soon_gets_the_limit_for_the_whole_stay() -> None:
    needs = ChargingNeeds(max_power_w=50_000, energy_wh=40_000, departure=NOW + timedelta(hours=1))
    schedule = plan(needs, 7_400, NOW)
    assert schedule.duration_seconds == 3600
    assert schedule.periods == (SchedulePeriod(0, 7400.0),)


def test_no_departure_gets_the_limit_until_the_energy_is_in() -> None:
    schedule = plan(ChargingNeeds(max_power_w=11_000, energy_wh=22_000), None, NOW)
    assert schedule.duration_seconds == 2 * 3600
    assert schedule.periods == (SchedulePeriod(0, 11_000.0),)


def test_no_energy_amount_gets_the_limit_without_end() -> None:
    schedule = plan(ChargingNeeds(max_power_w=11_000), 7_000, NOW)
    assert schedule.duration_seconds is None
    assert schedule.periods == (SchedulePeriod(0, 7_000.0),)


def test_a_departure_already_past_is_charged_as_if_none_were_given() -> None:
    needs = ChargingNeeds(max_power_w=10_000, energy_wh=5_000, departure=NOW - timedelta(minutes=5))
    schedule = plan(needs, None, NOW)
    assert schedule.duration_seconds == 1800


def test_the_ev_power_of_ac_is_three_phases_and_of_dc_its_stated_power() -> None:
    assert ac_max_power(16, 230) == 11_040
    assert dc_max_power(50_000, 125, 400) == 50_000
    assert dc_max_power(None, 125, 400) == 50_000


def test_the_site_limit_is_the_lowest_limit_set() -> None:
    assert site_limit(None, 11_000, 7_400) == 7_400
    assert site_limit(None, 0, None) is None


@given(ev=powers, site=st.none() | powers, energy=st.none() | energies, stay=st.none() | stays)
def test_the_schedule_never_exceeds_either_limit_nor_outlasts_the_stay(
    ev: float, site: float | None, energy: float | None, stay: int | None
) -> None:
    departure = None if stay is None else NOW + timedelta(seconds=stay)
    schedule = plan(ChargingNeeds(ev, energy, departure), site, NOW)
    for period in schedule.periods:
        assert 0 <= period.limit_w <= ev
        assert site is None or period.limit_w <= site
    if stay is not None and energy is not None:
        assert schedule.duration_seconds is not None and schedule.duration_seconds <= stay


@given(ev=powers, site=st.none() | powers, energy=energies, stay=st.none() | stays)
def test_the_energy_is_delivered_by_departure_whenever_the_limit_allows(
    ev: float, site: float | None, energy: float, stay: int | None
) -> None:
    limit = ev if site is None else min(ev, site)
    departure = None if stay is None else NOW + timedelta(seconds=stay)
    schedule = plan(ChargingNeeds(ev, energy, departure), site, NOW)
    delivered = delivered_wh(schedule)
    if stay is None or energy * 3600 / stay <= limit:
        assert delivered >= energy * (1 - 1e-9)
    else:
        # Not possible in time: the most the limit gives over the whole stay.
        assert math.isclose(delivered, limit * stay / 3600, rel_tol=1e-9)
