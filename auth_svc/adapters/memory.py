"""In-memory twins of the SQL adapters, for fast tests of the use cases.

A unit of work stages changes on a copy and publishes them on commit, so a block left
without committing changes nothing, as with the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auth_svc.domain import IdTag
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


@dataclass
class MemoryStore(unit_of_work.MemoryStore):
    """The committed state; :meth:`unit_of_work` is the factory the use cases take."""

    id_tags: dict[str, IdTag] = field(default_factory=dict)

    def unit_of_work(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self)


class MemoryUnitOfWork(unit_of_work.MemoryUnitOfWork[MemoryStore]):
    @property
    def id_tags(self) -> MemoryIdTagRepository:
        return MemoryIdTagRepository(self.working.id_tags)
