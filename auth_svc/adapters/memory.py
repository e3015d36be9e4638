"""In-memory twins of the SQL adapters, for fast tests of the use cases.

A unit of work stages changes on a copy and publishes them on commit, so a block left
without committing changes nothing, as with the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from auth_svc.domain.contract_certificate import Check
from auth_svc.domain.credentials import Credentials
from auth_svc.domain.id_tag import IdTag
from auth_svc.domain.local_list import ListEntry, Member
from auth_svc.domain.network_profiles import NetworkProfile
from auth_svc.errors import DuplicateIdTag
from servicekit import unit_of_work


class MemoryIdTagRepository:
    def __init__(self, rows: dict[str, IdTag]) -> None:
        self._rows = rows

    async def get(self, id_tag: str) -> IdTag | None:
        return self._rows.get(id_tag)

    async def add(self, tag: IdTag) -> None:
        if tag.id_tag in self._rows:
            raise DuplicateIdTag(tag.id_tag)
        self._rows[tag.id_tag] = tag

    async def replace(self, tag: IdTag) -> None:
        if tag.id_tag in self._rows:
            self._rows[tag.id_tag] = tag

    async def list_after(self, after: str | None, limit: int) -> list[IdTag]:
        keys = sorted(key for key in self._rows if after is None or key > after)
        return [self._rows[key] for key in keys[:limit]]


class MemoryLocalListRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def version(self) -> int:
        return self._store.list_version

    async def next_version(self) -> int:
        self._store.list_version += 1
        return self._store.list_version

    async def get(self, id_tag: str) -> ListEntry | None:
        return self._store.list_entries.get(id_tag)

    async def put(self, entry: ListEntry) -> None:
        if entry.id_tag not in self._store.id_tags:
            # As the foreign key refuses it.
            raise ValueError(f"id tag {entry.id_tag} is not stored")
        self._store.list_entries[entry.id_tag] = entry

    async def members(self) -> list[Member]:
        return [m for m in self._all() if m.entry.is_member]

    async def changed_after(self, version: int) -> list[Member]:
        return [m for m in self._all() if m.entry.changed_version > version]

    def _all(self) -> list[Member]:
        return [
            Member(entry, self._store.id_tags[id_tag])
            for id_tag, entry in sorted(self._store.list_entries.items())
        ]


class MemoryStationListRepository:
    def __init__(self, accepted: dict[str, tuple[int, datetime]]) -> None:
        self._accepted = accepted

    async def accepted_version(self, charge_point_id: str) -> int | None:
        record = self._accepted.get(charge_point_id)
        return None if record is None else record[0]

    async def record(self, charge_point_id: str, version: int, accepted_at: datetime) -> None:
        self._accepted[charge_point_id] = (version, accepted_at)


class MemoryCredentialRepository:
    def __init__(self, rows: dict[str, Credentials]) -> None:
        self._rows = rows

    async def get(self, charge_point_id: str) -> Credentials | None:
        return self._rows.get(charge_point_id)

    async def put(self, credentials: Credentials) -> None:
        self._rows[credentials.charge_point_id] = credentials


class MemoryNetworkProfileRepository:
    def __init__(self, rows: dict[tuple[str, int], NetworkProfile]) -> None:
        self._rows = rows

    async def put(self, profile: NetworkProfile) -> None:
        self._rows[(profile.charge_point_id, profile.configuration_slot)] = profile

    async def list(self, charge_point_id: str) -> list[NetworkProfile]:
        return [self._rows[key] for key in sorted(self._rows) if key[0] == charge_point_id]


class MemoryContractCheckRepository:
    def __init__(self, rows: list[Check]) -> None:
        self._rows = rows

    async def add(self, check: Check) -> None:
        self._rows.append(check)

    async def newest(self, charge_point_id: str, limit: int) -> list[Check]:
        mine = [check for check in self._rows if check.charge_point_id == charge_point_id]
        return mine[::-1][:limit]


@dataclass
class MemoryStore(unit_of_work.MemoryStore):
    """The committed state; :meth:`unit_of_work` is the factory the use cases take."""

    id_tags: dict[str, IdTag] = field(default_factory=dict)
    list_entries: dict[str, ListEntry] = field(default_factory=dict)
    list_version: int = 0
    # charge_point_id -> (version it accepted, when).
    accepted_lists: dict[str, tuple[int, datetime]] = field(default_factory=dict)
    credentials: dict[str, Credentials] = field(default_factory=dict)
    # (charge_point_id, configuration_slot) -> the last profile offered there.
    network_profiles: dict[tuple[str, int], NetworkProfile] = field(default_factory=dict)
    contract_checks: list[Check] = field(default_factory=list)

    def unit_of_work(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self)


class MemoryUnitOfWork(unit_of_work.MemoryUnitOfWork[MemoryStore]):
    @property
    def id_tags(self) -> MemoryIdTagRepository:
        return MemoryIdTagRepository(self.working.id_tags)

    @property
    def local_list(self) -> MemoryLocalListRepository:
        return MemoryLocalListRepository(self.working)

    @property
    def station_lists(self) -> MemoryStationListRepository:
        return MemoryStationListRepository(self.working.accepted_lists)

    @property
    def credentials(self) -> MemoryCredentialRepository:
        return MemoryCredentialRepository(self.working.credentials)

    @property
    def network_profiles(self) -> MemoryNetworkProfileRepository:
        return MemoryNetworkProfileRepository(self.working.network_profiles)

    @property
    def contract_checks(self) -> MemoryContractCheckRepository:
        return MemoryContractCheckRepository(self.working.contract_checks)
