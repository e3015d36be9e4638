"""The local list over the in-memory adapters and scripted stations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from auth_svc.adapters.memory import MemoryStore
from auth_svc.domain.id_tag import AuthorizationStatus, IdTagFields
from auth_svc.domain.local_list import (
    LocalAuthorization,
    SendOutcome,
    UpdateEntry,
    UpdateStatus,
    UpdateType,
)
from auth_svc.domain.network_profiles import ProfileStatus
from auth_svc.errors import (
    InvalidRequest,
    NoListBase,
    NotInLocalList,
    UnstoredIdTag,
)
from auth_svc.use_cases import IdTagUseCases, LocalListUseCases
from servicekit.clock import FixedClock
from servicekit.edge_errors import StationDidNotAnswer, StationNotConnected
from servicekit.errors import ServiceError

pytestmark = pytest.mark.unit


NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
A = AuthorizationStatus
FULL, DIFF = UpdateType.FULL, UpdateType.DIFFERENTIAL
ACCEPTED = LocalAuthorization(A.ACCEPTED, None, None)


@dataclass
class Sent:
    charge_point_id: str
    version: int
    update_type: UpdateType
    entries: tuple[UpdateEntry, ...]


@dataclass
class ScriptedStations:
    answers: list[UpdateStatus | ServiceError] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)

    async def send_local_list(
        self,
        charge_point_id: str,
        version: int,
        update_type: UpdateType,
        entries: Sequence[UpdateEntry],
    ) -> UpdateStatus:
        self.sent.append(Sent(charge_point_id, version, update_type, tuple(entries)))
        answer = self.answers.pop(0) if self.answers else UpdateStatus.ACCEPTED
        if isinstance(answer, ServiceError):
            raise answer
        return answer

    async def set_network_profile(
        self, charge_point_id: str, slot: int, connection: Mapping[str, Any]
    ) -> ProfileStatus:
        raise AssertionError("not under test")


class NoTransactions:
    async def count_active(self, id_tag: str) -> int:
        return 0


@dataclass
class World:
    store: MemoryStore
    clock: FixedClock
    stations: ScriptedStations
    id_tags: IdTagUseCases
    local_list: LocalListUseCases

    async def create(self, id_tag: str, status: AuthorizationStatus = A.ACCEPTED) -> None:
        await self.id_tags.create_id_tag(IdTagFields(id_tag, status, None, None))


@pytest.fixture
async def world() -> World:
    store = MemoryStore()
    clock = FixedClock(NOW)
    stations = ScriptedStations()
    world = World(
        store,
        clock,
        stations,
        IdTagUseCases(store.unit_of_work, clock, NoTransactions()),
        LocalListUseCases(store.unit_of_work, clock, stations),
    )
    for id_tag in ("A", "B", "C"):
        await world.create(id_tag)
    return world


async def test_the_list_starts_empty_at_version_0(world: World) -> None:
    listed = await world.local_list.get()
    assert (listed.version, listed.members) == (0, ())


async def test_each_change_increments_the_version(world: World) -> None:
    assert (await world.local_list.add("B")).version == 1
    listed = await world.local_list.add("A")
    assert (listed.version, [t.id_tag for t in listed.members]) == (2, ["A", "B"])
    # Adding a member again changes nothing.
    assert (await world.local_list.add("A")).version == 2
    assert world.store.list_version == 2
    removed = await world.local_list.remove("B")
    assert (removed.version, [t.id_tag for t in removed.members]) == (3, ["A"])


async def test_unknown_tags_and_non_members(world: World) -> None:
    with pytest.raises(UnstoredIdTag, match=r"create the id tag first \(POST /api/v1/id-tags\)"):
        await world.local_list.add("NOBODY")
    with pytest.raises(NotInLocalList, match="id tag A is not in the local list"):
        await world.local_list.remove("A")
    await world.local_list.add("A")
    await world.local_list.remove("A")
    with pytest.raises(NotInLocalList):
        await world.local_list.remove("A")
    with pytest.raises(InvalidRequest, match="id_tag is empty"):
        await world.local_list.add("")
    assert world.store.list_version == 2


async def test_updating_a_member_changes_the_version_only_when_stations_must_learn_it(
    world: World,
) -> None:
    await world.local_list.add("A")
    await world.id_tags.update_id_tag(IdTagFields("A", A.BLOCKED, None, None))
    assert (await world.local_list.get()).version == 2
    await world.id_tags.update_id_tag(IdTagFields("A", A.BLOCKED, None, None))
    # Not a member: its changes are none of the stations' business.
    await world.id_tags.update_id_tag(IdTagFields("B", A.BLOCKED, None, None))
    assert (await world.local_list.get()).version == 2


async def test_send_full_then_differential(world: World) -> None:
    await world.local_list.add("A")
    await world.local_list.add("B")
    # Never sent to CP-1: a differential request is refused, not sent in full.
    with pytest.raises(NoListBase):
        await world.local_list.send("CP-1", DIFF)
    assert world.stations.sent == []
    first = await world.local_list.send("CP-1", FULL)
    assert first == SendOutcome(UpdateStatus.ACCEPTED, 2, FULL, 2)
    assert world.stations.sent[-1] == Sent(
        "CP-1", 2, FULL, (UpdateEntry("A", ACCEPTED), UpdateEntry("B", ACCEPTED))
    )
    assert world.store.accepted_lists["CP-1"] == (2, NOW)

    await world.local_list.remove("A")
    await world.local_list.add("C")
    await world.id_tags.update_id_tag(IdTagFields("B", A.ACCEPTED, NOW - timedelta(hours=1), None))
    second = await world.local_list.send("CP-1", DIFF)
    assert second == SendOutcome(UpdateStatus.ACCEPTED, 5, DIFF, 3)
    assert world.stations.sent[-1].entries == (
        UpdateEntry("A", None),
        UpdateEntry("B", LocalAuthorization(A.EXPIRED, NOW - timedelta(hours=1), None)),
        UpdateEntry("C", ACCEPTED),
    )
    nothing_new = await world.local_list.send("CP-1", DIFF)
    assert nothing_new == SendOutcome(UpdateStatus.ACCEPTED, 5, DIFF, 0)

    full = await world.local_list.send("CP-1", FULL)
    assert full == SendOutcome(UpdateStatus.ACCEPTED, 5, FULL, 2)


async def test_only_an_accepted_list_is_recorded(world: World) -> None:
    await world.local_list.add("A")
    world.stations.answers.append(UpdateStatus.VERSION_MISMATCH)
    outcome = await world.local_list.send("CP-1", FULL)
    assert outcome.status is UpdateStatus.VERSION_MISMATCH
    assert world.store.accepted_lists == {}


@pytest.mark.parametrize(
    "error", [StationNotConnected("CP-1", "gone"), StationDidNotAnswer("CP-1", "deadline")]
)
async def test_edge_errors_are_raised_and_nothing_recorded(
    world: World, error: ServiceError
) -> None:
    world.stations.answers.append(error)
    with pytest.raises(type(error)):
        await world.local_list.send("CP-1", FULL)
    assert world.store.accepted_lists == {}


async def test_send_needs_a_charge_point(world: World) -> None:
    with pytest.raises(InvalidRequest, match="charge_point_id must not be empty"):
        await world.local_list.send("", FULL)
    assert world.stations.sent == []
