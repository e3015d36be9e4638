"""In-memory twins of the SQL adapters, for fast tests of the use cases.

A unit of work stages changes on a copy and publishes them on commit, so a block left
without committing changes nothing, as with the database.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from auth_svc.domain import IdTag
from auth_svc.errors import DuplicateIdTag


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


class MemoryUnitOfWork:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._staged: dict[str, IdTag] = {}
        self.id_tags = MemoryIdTagRepository(self._staged)

    async def __aenter__(self) -> Self:
        self._staged.clear()
        self._staged.update(self._store.id_tags)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.rollback()

    async def commit(self) -> None:
        self._store.id_tags = dict(self._staged)
        self._store.commits += 1

    async def rollback(self) -> None:
        self._staged.clear()
        self._staged.update(self._store.id_tags)


class MemoryStore:
    """The committed state; :meth:`unit_of_work` is the factory the use cases take."""

    def __init__(self) -> None:
        self.id_tags: dict[str, IdTag] = {}
        self.commits = 0

    def unit_of_work(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self)
