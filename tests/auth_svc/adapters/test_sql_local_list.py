"""The SQL local list repositories on SQLite and PostgreSQL, and their in-memory twins: the
same calls give the same answers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from auth_svc.adapters.memory import MemoryStore
from auth_svc.adapters.sql import SqlUnitOfWork
from auth_svc.adapters.tables import local_list_state
from auth_svc.domain.id_tag import AuthorizationStatus, IdTag
from auth_svc.domain.local_list import ListEntry
from auth_svc.ports import UnitOfWork
from servicekit.database import create_engine

NOW = datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture
async def engine(migrated_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(migrated_url, "auth")
    yield engine
    await engine.dispose()


def tag(id_tag: str, **changes: Any) -> IdTag:
    values: dict[str, Any] = {
        "id_tag": id_tag,
        "status": AuthorizationStatus.ACCEPTED,
        "expires_at": None,
        "parent_id_tag": None,
        "created_at": NOW,
        "updated_at": NOW,
    }
    return IdTag(**(values | changes))


async def _scenario(unit_of_work: Callable[[], UnitOfWork]) -> list[Any]:
    seen: list[Any] = []
    async with unit_of_work() as uow:
        await uow.id_tags.add(tag("A", expires_at=NOW + timedelta(days=1), parent_id_tag="P"))
        await uow.id_tags.add(tag("B", status=AuthorizationStatus.BLOCKED))
        await uow.id_tags.add(tag("C"))
        seen.append(await uow.local_list.version())
        for id_tag in ("B", "A", "C"):
            version = await uow.local_list.next_version()
            await uow.local_list.put(ListEntry(id_tag, version, version))
        await uow.commit()
    async with unit_of_work() as uow:
        version = await uow.local_list.next_version()
        entry = await uow.local_list.get("C")
        assert entry is not None
        await uow.local_list.put(entry.removed(version))
        version = await uow.local_list.next_version()
        entry = await uow.local_list.get("B")
        assert entry is not None
        await uow.local_list.put(entry.changed(version))
        # Not committed: none of this counts.
        seen.append(version)
    async with unit_of_work() as uow:
        seen.append(await uow.local_list.version())
        version = await uow.local_list.next_version()
        entry = await uow.local_list.get("C")
        assert entry is not None
        await uow.local_list.put(entry.removed(version))
        await uow.commit()
    async with unit_of_work() as uow:
        seen.append(await uow.local_list.version())
        seen.append(await uow.local_list.get("C"))
        seen.append(await uow.local_list.get("Z"))
        seen.append(await uow.local_list.members())
        seen.append(await uow.local_list.changed_after(0))
        seen.append(await uow.local_list.changed_after(2))
        seen.append(await uow.local_list.changed_after(4))
        seen.append(await uow.station_lists.accepted_version("CP-1"))
        await uow.station_lists.record("CP-1", 3, NOW)
        await uow.station_lists.record("CP-2", 1, NOW)
        await uow.station_lists.record("CP-1", 4, NOW + timedelta(minutes=1))
        await uow.commit()
    async with unit_of_work() as uow:
        seen.append(await uow.station_lists.accepted_version("CP-1"))
        seen.append(await uow.station_lists.accepted_version("CP-2"))
    return seen


async def test_the_memory_twin_answers_as_sql_does(engine: AsyncEngine) -> None:
    from_sql = await _scenario(lambda: SqlUnitOfWork(engine))
    from_memory = await _scenario(MemoryStore().unit_of_work)
    assert from_sql == from_memory
    assert from_sql[:3] == [0, 5, 3]


async def test_the_migration_creates_the_list_at_version_0(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        rows = (await connection.execute(select(local_list_state))).all()
    assert [tuple(row) for row in rows] == [(1, 0)]


async def test_an_entry_needs_a_stored_id_tag(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        with pytest.raises(IntegrityError):
            await uow.local_list.put(ListEntry("NOBODY", 1, 1))
    with pytest.raises(ValueError, match="NOBODY is not stored"):
        async with MemoryStore().unit_of_work() as uow:
            await uow.local_list.put(ListEntry("NOBODY", 1, 1))
