"""The station's pure rules, without sockets."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from simulator.charging_profiles import ChargingProfile, Period, Schedule, composite
from simulator.state import Reservation, StationState, Transaction

pytestmark = pytest.mark.unit


LATER = datetime(2030, 1, 1, tzinfo=UTC)


def test_inoperative_station_is_scheduled_for_a_busy_connector() -> None:
    state = StationState.new(connectors=2, interval=1.0)
    state.transactions[1] = Transaction(100, 1, "T", 1000)
    status, changed = state.change_availability(0, "Inoperative")
    assert status == "Scheduled"
    assert [c.id for c in changed] == [0, 2]
    assert all(not c.operative for c in state.connectors.values())
    assert state.connectors[1].idle_status == "Unavailable"


def test_a_reservation_with_a_known_id_replaces_it() -> None:
    state = StationState.new(connectors=1, interval=1.0)
    assert state.reserve(Reservation(1, 1, "A", LATER), False) == "Accepted"
    assert state.reserve(Reservation(2, 1, "B", LATER), False) == "Occupied"
    assert state.reserve(Reservation(1, 1, "C", LATER), False) == "Accepted"
    assert state.connector_for_start(None, "C") is state.connectors[1]
    assert state.connector_for_start(None, "A") is None
    released = state.release(1)
    assert released is not None and released.status == "Available"


def test_composite_converts_amperes_to_watts_per_phase() -> None:
    schedule = Schedule("A", (Period(0, 10.0, 1), Period(3600, 6.0, None)), duration=7200)
    profile = ChargingProfile(1, 0, 0, "TxDefaultProfile", schedule)
    assert composite(profile, 60, "W") == {
        "duration": 60,
        "charging_rate_unit": "W",
        "charging_schedule_period": [{"start_period": 0, "limit": 2300.0, "number_phases": 1}],
    }
