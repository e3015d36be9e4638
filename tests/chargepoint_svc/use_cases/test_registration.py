"""An operator's registration change over the in-memory store, with a scripted edge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chargepoint_svc.adapters.memory import MemoryStore, MemoryUnitOfWork
from chargepoint_svc.domain.charge_point import Admission, RegistrationStatus
from chargepoint_svc.domain.registration import BootOutcome
from chargepoint_svc.errors import ChargePointNotFound, InvalidReport
from chargepoint_svc.use_cases import ChargePointUseCases
from chargepoint_svc.use_cases.registration import RegistrationUseCases
from servicekit.charge_point_policy import AdmissionPolicy
from servicekit.clock import FixedClock

pytestmark = pytest.mark.unit

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


class ScriptedStations:
    def __init__(self, outcome: BootOutcome) -> None:
        self.outcome = outcome
        self.triggered: list[str] = []

    async def trigger_boot(self, charge_point_id: str) -> BootOutcome:
        self.triggered.append(charge_point_id)
        return self.outcome


class Harness:
    def __init__(self, outcome: BootOutcome = BootOutcome.TRIGGERED) -> None:
        self.store = MemoryStore()
        self.clock = FixedClock(T0)
        self.stations = ScriptedStations(outcome)
        self.charge_points = ChargePointUseCases(
            lambda: MemoryUnitOfWork(self.store),
            self.clock,
            Admission(AdmissionPolicy.OPEN, 300, 60),
        )
        self.registration = RegistrationUseCases(
            lambda: MemoryUnitOfWork(self.store), self.clock, self.stations
        )


async def test_accepting_a_pending_station_stores_it_and_makes_it_boot() -> None:
    harness = Harness()
    await harness.charge_points.create_charge_point("CP1", RegistrationStatus.PENDING)
    harness.clock.at = T0 + timedelta(minutes=5)
    change = await harness.registration.change_registration("CP1", RegistrationStatus.ACCEPTED)
    assert change.previous is RegistrationStatus.PENDING
    assert change.boot is BootOutcome.TRIGGERED
    assert change.charge_point.registration_status is RegistrationStatus.ACCEPTED
    assert change.charge_point.updated_at == T0 + timedelta(minutes=5)
    stored = harness.store.charge_points["CP1"]
    assert stored.registration_status is RegistrationStatus.ACCEPTED
    assert harness.stations.triggered == ["CP1"]


@pytest.mark.parametrize("outcome", [BootOutcome.NOT_CONNECTED, BootOutcome.NOT_TRIGGERED])
async def test_the_change_is_stored_whatever_the_station_does(outcome: BootOutcome) -> None:
    harness = Harness(outcome)
    await harness.charge_points.create_charge_point("CP1", RegistrationStatus.REJECTED)
    change = await harness.registration.change_registration("CP1", RegistrationStatus.ACCEPTED)
    assert change.boot is outcome
    assert harness.store.charge_points["CP1"].registration_status is RegistrationStatus.ACCEPTED


@pytest.mark.parametrize("status", [RegistrationStatus.PENDING, RegistrationStatus.REJECTED])
async def test_pending_and_rejected_wait_for_the_next_boot(status: RegistrationStatus) -> None:
    harness = Harness()
    await harness.charge_points.create_charge_point("CP1")
    change = await harness.registration.change_registration("CP1", status)
    assert (change.previous, change.boot) == (RegistrationStatus.ACCEPTED, BootOutcome.AT_NEXT_BOOT)
    assert harness.store.charge_points["CP1"].registration_status is status
    assert harness.stations.triggered == []
    # The next boot brings it.
    answer = await harness.charge_points.record_boot("CP1", harness.store.charge_points["CP1"].boot)
    assert answer.status is status


async def test_an_unknown_charge_point_is_not_found() -> None:
    with pytest.raises(ChargePointNotFound, match="'NOPE' does not exist"):
        await Harness().registration.change_registration("NOPE", RegistrationStatus.ACCEPTED)


async def test_a_status_is_required() -> None:
    harness = Harness()
    await harness.charge_points.create_charge_point("CP1", RegistrationStatus.PENDING)
    with pytest.raises(InvalidReport, match="status is required: one of ACCEPTED, PENDING"):
        await harness.registration.change_registration("CP1", None)
    assert harness.store.charge_points["CP1"].registration_status is RegistrationStatus.PENDING
