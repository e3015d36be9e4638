from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from auth_svc.adapters.sql import SqlUnitOfWork
from auth_svc.domain.id_tag import AuthorizationStatus, IdTag
from auth_svc.errors import DuplicateIdTag
from servicekit.database import create_engine

NOW = datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
A = AuthorizationStatus


@pytest.fixture
async def engine(migrated_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(migrated_url, "auth")
    yield engine
    await engine.dispose()


def tag(id_tag: str, status: AuthorizationStatus = A.ACCEPTED, **changes: object) -> IdTag:
    values: dict[str, object] = {
        "id_tag": id_tag,
        "status": status,
        "expires_at": None,
        "parent_id_tag": None,
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(changes)
    return IdTag(**values)  # type: ignore[arg-type]


async def test_round_trip_keeps_every_field_as_aware_utc(engine: AsyncEngine) -> None:
    # An offset other than UTC comes back as the same instant in UTC.
    expires = datetime(2030, 1, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    stored = tag("04A23B1C", A.BLOCKED, expires_at=expires, parent_id_tag="GROUP-1")
    async with SqlUnitOfWork(engine) as uow:
        await uow.id_tags.add(stored)
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        loaded = await uow.id_tags.get("04A23B1C")
        missing = await uow.id_tags.get("04a23b1c")
    assert loaded == stored
    assert loaded is not None
    assert loaded.expires_at is not None
    assert loaded.expires_at.tzinfo is UTC
    assert loaded.expires_at == datetime(2030, 1, 1, 7, 30, tzinfo=UTC)
    assert loaded.created_at.tzinfo is UTC
    assert missing is None


async def test_duplicate_is_refused_and_first_kept(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        await uow.id_tags.add(tag("TAG1"))
        await uow.commit()
    with pytest.raises(DuplicateIdTag, match="id tag TAG1 already exists"):
        async with SqlUnitOfWork(engine) as uow:
            await uow.id_tags.add(tag("TAG1", A.BLOCKED))
            await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        loaded = await uow.id_tags.get("TAG1")
    assert loaded is not None
    assert loaded.status is A.ACCEPTED


async def test_replace_overwrites_the_row(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        await uow.id_tags.add(tag("TAG1", parent_id_tag="P", expires_at=NOW))
        await uow.commit()
    later = NOW + timedelta(hours=1)
    replacement = tag("TAG1", A.EXPIRED, updated_at=later)
    async with SqlUnitOfWork(engine) as uow:
        await uow.id_tags.replace(replacement)
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        assert await uow.id_tags.get("TAG1") == replacement


async def test_leaving_without_commit_rolls_back(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        await uow.id_tags.add(tag("KEPT"))
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        await uow.id_tags.add(tag("DROPPED"))
    with pytest.raises(RuntimeError, match="boom"):
        async with SqlUnitOfWork(engine) as uow:
            await uow.id_tags.replace(tag("KEPT", A.BLOCKED))
            raise RuntimeError("boom")
    async with SqlUnitOfWork(engine) as uow:
        await uow.id_tags.add(tag("ROLLED"))
        await uow.rollback()
    async with SqlUnitOfWork(engine) as uow:
        rows = await uow.id_tags.list_after(None, 10)
    assert [(row.id_tag, row.status) for row in rows] == [("KEPT", A.ACCEPTED)]


async def test_list_after_orders_by_id_tag_and_limits(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        for id_tag in ["TAG-03", "TAG-01", "TAG-05", "TAG-02", "TAG-04"]:
            await uow.id_tags.add(tag(id_tag))
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        first = await uow.id_tags.list_after(None, 2)
        rest = await uow.id_tags.list_after("TAG-02", 10)
        none = await uow.id_tags.list_after("TAG-05", 10)
    assert [row.id_tag for row in first] == ["TAG-01", "TAG-02"]
    assert [row.id_tag for row in rest] == ["TAG-03", "TAG-04", "TAG-05"]
    assert none == []


def test_repository_outside_the_block_is_an_error() -> None:
    uow = SqlUnitOfWork(create_engine("sqlite+aiosqlite:///:memory:", "auth"))
    with pytest.raises(RuntimeError, match="outside its `async with` block"):
        _ = uow.id_tags
