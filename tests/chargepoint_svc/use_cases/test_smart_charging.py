"""Smart charging as stations report it, the operator's site limit and the library of
charging profiles, over the in-memory adapters (the twin of the SQL ones: the gRPC tests
run the same rules on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chargepoint_svc.adapters.memory import MemoryStore, MemoryUnitOfWork
from chargepoint_svc.domain.charge_point import Admission, ChargePointId
from chargepoint_svc.domain.charging_needs import ChargingNeeds
from chargepoint_svc.domain.smart_charging import ChargingLimit, HeldProfile, PeriodLimit
from chargepoint_svc.errors import (
    ChargePointNotFound,
    InvalidReport,
    LibraryProfileExists,
    LibraryProfileNotFound,
)
from chargepoint_svc.use_cases.profile_library import ProfileLibrary
from chargepoint_svc.use_cases.smart_charging import (
    EVSchedule,
    LimitDraft,
    NeedsDraft,
    ProfileDraft,
    SmartChargingUseCases,
)
from servicekit.charge_point_policy import AdmissionPolicy, BaseReportPolicy
from servicekit.clock import FixedClock
from servicekit.pagination import PageRequest

pytestmark = pytest.mark.unit

T0 = datetime(2025, 3, 1, 12, 0, 0, 250_000, tzinfo=UTC)
CP = ChargePointId("CP-1")


class Stations:
    """The edge, as the library sees it: answers in turn, records what it was sent."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.sent: list[tuple[str, int, str, int]] = []
        self.cleared: list[tuple[str, int]] = []

    async def set_charging_profile(
        self, charge_point_id: str, evse_id: int, document: str, transaction_id: int
    ) -> str:
        self.sent.append((charge_point_id, evse_id, document, transaction_id))
        return self.answers.pop(0)

    async def clear_charging_profile(self, charge_point_id: str, profile_id: int) -> str:
        self.cleared.append((charge_point_id, profile_id))
        return self.answers.pop(0)


class Harness:
    def __init__(self, site_limit_w: float | None = None, *answers: str) -> None:
        self.store = MemoryStore()
        self.clock = FixedClock(T0)
        admission = Admission(AdmissionPolicy.OPEN, 300, 60, BaseReportPolicy.NEVER)
        self.charging = SmartChargingUseCases(
            lambda: MemoryUnitOfWork(self.store), self.clock, admission, site_limit_w
        )
        self.stations = Stations(*answers)
        self.library = ProfileLibrary(
            lambda: MemoryUnitOfWork(self.store), self.clock, self.stations
        )


def _limit(evse_id: int, source: str, limit_w: float | None) -> LimitDraft:
    def draft(cp_id: ChargePointId, now: datetime) -> ChargingLimit:
        return ChargingLimit(cp_id, evse_id, source, False, limit_w, "", now)

    return draft


async def test_limits_are_kept_until_cleared_and_a_station_is_registered_on_the_way() -> None:
    harness = Harness()
    await harness.charging.record_limit("CP-1", _limit(1, "EMS", 7000))
    await harness.charging.record_limit("CP-1", _limit(1, "SO", 5000))
    await harness.charging.record_limit("CP-1", _limit(2, "EMS", 4000))
    assert "CP-1" in harness.store.charge_points
    await harness.charging.record_cleared_limit("CP-1", "EMS", 1)
    assert [(lim.evse_id, lim.source) for lim in await harness.charging.limits("CP-1")] == [
        (1, "SO"),
        (2, "EMS"),
    ]
    await harness.charging.record_cleared_limit("CP-1", "EMS", None)
    assert [(lim.evse_id, lim.source) for lim in await harness.charging.limits("CP-1")] == [
        (1, "SO")
    ]


async def test_the_offer_takes_the_lowest_of_every_site_limit() -> None:
    harness = Harness(22_000)
    needs = NeedsDraft(1, "DC", ChargingNeeds(max_power_w=50_000, energy_wh=10_000))
    first = await harness.charging.record_needs("CP-1", needs)
    assert first.periods[0].limit_w == 22_000  # CSMS_SITE_LIMIT_W alone
    # Offers start on a whole second, as stations carry times to the millisecond.
    assert first.start == T0.replace(microsecond=0)

    await harness.charging.set_site_limit("CP-1", 11_000)
    assert (await harness.charging.record_needs("CP-1", needs)).periods[0].limit_w == 11_000

    await harness.charging.record_limit("CP-1", _limit(0, "EMS", 9_000))
    offer = await harness.charging.record_needs("CP-1", needs)
    assert offer.periods[0].limit_w == 9_000
    assert offer.duration_seconds == 4000  # 10 kWh at 9 kW

    await harness.charging.set_site_limit("CP-1", 0)
    assert await harness.charging.site_limit("CP-1") is None
    (record,) = await harness.charging.needs("CP-1")
    assert (record.evse_id, record.energy_wh, record.max_power_w) == (1, 10_000, 50_000)


async def test_the_ev_schedule_is_judged_against_the_offer_on_its_evse() -> None:
    harness = Harness(7_000)
    departure = T0 + timedelta(hours=2)
    await harness.charging.record_needs(
        "CP-1", NeedsDraft(1, "DC", ChargingNeeds(50_000, 10_000, departure))
    )
    start = T0.replace(microsecond=0)
    within = EVSchedule(1, start, (PeriodLimit(0, 5_000),), "{}")
    above = EVSchedule(1, start, (PeriodLimit(0, 5_000), PeriodLimit(60, 7_001)), "{}")
    assert await harness.charging.record_ev_schedule("CP-1", within)
    assert not await harness.charging.record_ev_schedule("CP-1", above)
    assert not await harness.charging.record_ev_schedule(
        "CP-1", EVSchedule(2, start, (PeriodLimit(0, 1),), "{}")
    )
    (record,) = await harness.charging.needs("CP-1")
    assert record.ev_schedule == "{}" and not record.ev_schedule_accepted


async def test_bad_site_limits_and_unknown_stations_are_refused() -> None:
    harness = Harness()
    with pytest.raises(InvalidReport, match="max_power_w must be 0"):
        await harness.charging.set_site_limit("CP-1", -1)
    with pytest.raises(ChargePointNotFound):
        await harness.charging.set_site_limit("CP-1", 1000)
    with pytest.raises(ChargePointNotFound):
        await harness.charging.profiles("CP-1")


async def test_reported_profiles_replace_those_of_the_same_evse_and_id() -> None:
    harness = Harness()

    def held(evse_id: int, profile_id: int, document: str) -> ProfileDraft:
        return lambda cp_id, now: HeldProfile(cp_id, evse_id, profile_id, "CSO", document, now)

    await harness.charging.record_profiles("CP-1", [held(1, 1, "a"), held(0, 2, "b")])
    await harness.charging.record_profiles("CP-1", [held(1, 1, "c")])
    assert [
        (p.evse_id, p.profile_id, p.document) for p in await harness.charging.profiles("CP-1")
    ] == [
        (0, 2, "b"),
        (1, 1, "c"),
    ]


async def test_the_library_applies_and_holds_what_the_station_accepted() -> None:
    harness = Harness(None, "ACCEPTED", "REJECTED")
    await harness.charging.record_limit("CP-1", _limit(0, "EMS", 1))
    await harness.library.create("b", 4, '{"id": 4}')
    await harness.library.create("a", 5, '{"id": 5}')
    with pytest.raises(LibraryProfileExists):
        await harness.library.create("a", 6, "{}")
    with pytest.raises(InvalidReport, match="name ''"):
        await harness.library.create("", 6, "{}")
    page = await harness.library.list(PageRequest(1, None))
    assert [p.name for p in page.profiles] == ["a"] and page.next_page_token

    assert await harness.library.apply("CP-1", "a", 2, 77) == "ACCEPTED"
    assert await harness.library.apply("CP-1", "b", 3, 0) == "REJECTED"
    assert harness.stations.sent == [("CP-1", 2, '{"id": 5}', 77), ("CP-1", 3, '{"id": 4}', 0)]
    assert [(p.evse_id, p.profile_id) for p in await harness.charging.profiles("CP-1")] == [(2, 5)]

    await harness.library.delete("a")
    with pytest.raises(LibraryProfileNotFound):
        await harness.library.get("a")
    with pytest.raises(LibraryProfileNotFound):
        await harness.library.apply("CP-1", "a", 1)
    with pytest.raises(ChargePointNotFound):
        await harness.library.apply("CP-9", "b", 1)


async def test_a_cleared_profile_is_forgotten_whatever_the_station_answered() -> None:
    harness = Harness(None, "ACCEPTED", "ACCEPTED", "UNKNOWN")
    await harness.charging.record_limit("CP-1", _limit(0, "EMS", 1))
    await harness.library.create("a", 5, '{"id": 5}')
    await harness.library.apply("CP-1", "a", 1)
    assert await harness.library.clear("CP-1", 5) == "ACCEPTED"
    assert await harness.charging.profiles("CP-1") == []
    assert await harness.library.clear("CP-1", 5) == "UNKNOWN"
    assert harness.stations.cleared == [("CP-1", 5), ("CP-1", 5)]
    with pytest.raises(InvalidReport, match="profile_id"):
        await harness.library.clear("CP-1", 0)
