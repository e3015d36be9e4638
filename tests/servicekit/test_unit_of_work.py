from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import cast

import pytest
from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    event,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.schema import CreateIndex, CreateTable

from servicekit.database import NAMING_CONVENTION, create_engine, schema_for
from servicekit.unit_of_work import MemoryStore, MemoryUnitOfWork, SqlUnitOfWork

OUTSIDE = "outside its `async with` block"

metadata = MetaData(naming_convention=NAMING_CONVENTION)
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("body", String(40), nullable=False),
)


class NoteUnitOfWork(SqlUnitOfWork):
    """What a service adds: its repositories, on the base's connection."""

    async def add(self, note_id: int, body: str) -> None:
        await self.connection.execute(notes.insert().values(id=note_id, body=body))


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, "kit")
    schema = schema_for(database_url, "kit")
    async with engine.begin() as connection:
        if schema is not None:
            await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        await connection.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


async def stored(engine: AsyncEngine) -> list[tuple[int, str]]:
    async with engine.connect() as connection:
        rows = await connection.execute(select(notes.c.id, notes.c.body).order_by(notes.c.id))
        return [(row.id, row.body) for row in rows]


def checked_out(engine: AsyncEngine) -> int:
    return cast(int, engine.sync_engine.pool.checkedout())  # type: ignore[attr-defined]


async def test_commit_stores_the_work(engine: AsyncEngine) -> None:
    async with NoteUnitOfWork(engine) as uow:
        await uow.add(1, "kept")
        await uow.commit()
    assert await stored(engine) == [(1, "kept")]
    assert checked_out(engine) == 0


async def test_leaving_without_commit_rolls_back(engine: AsyncEngine) -> None:
    async with NoteUnitOfWork(engine) as uow:
        await uow.add(1, "dropped")
    assert await stored(engine) == []
    assert checked_out(engine) == 0


async def test_an_exception_rolls_back_and_goes_on(engine: AsyncEngine) -> None:
    with pytest.raises(LookupError, match="boom"):
        async with NoteUnitOfWork(engine) as uow:
            await uow.add(1, "dropped")
            raise LookupError("boom")
    assert await stored(engine) == []
    assert checked_out(engine) == 0


async def test_a_failed_commit_stores_nothing_and_leaves_no_writes_pending(
    engine: AsyncEngine,
) -> None:
    """A commit that fails before the database committed (a lost connection, a timeout)
    leaves the block's writes out of every later commit made on the same pool."""

    def failing(_connection: object) -> None:
        raise ConnectionResetError("lost before COMMIT")

    event.listen(engine.sync_engine, "commit", failing)
    with pytest.raises(ConnectionResetError):
        async with NoteUnitOfWork(engine) as uow:
            await uow.add(1, "dropped")
            await uow.commit()
    event.remove(engine.sync_engine, "commit", failing)
    async with NoteUnitOfWork(engine) as uow:
        await uow.add(2, "kept")
        await uow.commit()
    assert await stored(engine) == [(2, "kept")]
    assert checked_out(engine) == 0


async def test_rollback_discards_and_the_block_goes_on(engine: AsyncEngine) -> None:
    async with NoteUnitOfWork(engine) as uow:
        await uow.add(1, "dropped")
        await uow.rollback()
        await uow.add(2, "kept")
        await uow.commit()
    assert await stored(engine) == [(2, "kept")]


async def test_work_after_a_commit_needs_its_own_commit(engine: AsyncEngine) -> None:
    async with NoteUnitOfWork(engine) as uow:
        await uow.add(1, "kept")
        await uow.commit()
        await uow.add(2, "dropped")
    assert await stored(engine) == [(1, "kept")]


async def test_the_sql_unit_of_work_is_refused_outside_its_block(engine: AsyncEngine) -> None:
    uow = NoteUnitOfWork(engine)
    with pytest.raises(RuntimeError, match=OUTSIDE):
        _ = uow.connection
    with pytest.raises(RuntimeError, match=OUTSIDE):
        await uow.commit()
    async with uow:
        pass
    with pytest.raises(RuntimeError, match=OUTSIDE):
        await uow.rollback()


class RefusedBegin:
    """A connection whose BEGIN fails, to see that the unit of work still closes it."""

    def __init__(self) -> None:
        self.closed = False

    async def begin(self) -> None:
        raise ConnectionResetError("the server went away")

    async def close(self) -> None:
        self.closed = True


class OneConnection:
    def __init__(self, connection: RefusedBegin) -> None:
        self._connection = connection

    async def connect(self) -> AsyncConnection:
        return cast(AsyncConnection, self._connection)


async def test_a_failed_begin_closes_the_connection() -> None:
    connection = RefusedBegin()
    uow = SqlUnitOfWork(cast(AsyncEngine, OneConnection(connection)))
    with pytest.raises(ConnectionResetError):
        async with uow:
            pass
    assert connection.closed
    with pytest.raises(RuntimeError, match=OUTSIDE):
        _ = uow.connection


@dataclass
class Notes(MemoryStore):
    bodies: dict[int, str] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)
    last_id: int = 0


class NotesUnitOfWork(MemoryUnitOfWork[Notes]):
    def add(self, body: str) -> None:
        work = self.working
        work.last_id += 1
        work.bodies[work.last_id] = body
        work.order.append(work.last_id)


async def test_memory_commit_publishes_and_counts() -> None:
    store = Notes()
    async with NotesUnitOfWork(store) as uow:
        uow.add("kept")
        await uow.commit()
        uow.add("kept too")
        await uow.commit()
    assert (store.bodies, store.order, store.last_id, store.commits) == (
        {1: "kept", 2: "kept too"},
        [1, 2],
        2,
        2,
    )


async def test_memory_work_is_invisible_until_committed() -> None:
    store = Notes()
    async with NotesUnitOfWork(store) as uow:
        uow.add("dropped")
        assert (store.bodies, store.order, store.last_id) == ({}, [], 0)
    assert (store.bodies, store.order, store.last_id, store.commits) == ({}, [], 0, 0)


async def test_memory_exception_and_rollback_discard() -> None:
    store = Notes()
    with pytest.raises(LookupError, match="boom"):
        async with NotesUnitOfWork(store) as uow:
            uow.add("dropped")
            raise LookupError("boom")
    async with NotesUnitOfWork(store) as uow:
        uow.add("dropped")
        await uow.rollback()
        uow.add("kept")
        await uow.commit()
    assert (store.bodies, store.commits) == ({1: "kept"}, 1)


async def test_a_committed_block_goes_on_on_its_own_copy() -> None:
    store = Notes()
    async with NotesUnitOfWork(store) as uow:
        uow.add("kept")
        await uow.commit()
        uow.add("dropped")
    assert (store.bodies, store.order) == ({1: "kept"}, [1])


async def test_the_memory_unit_of_work_is_refused_outside_its_block() -> None:
    uow = NotesUnitOfWork(Notes())
    with pytest.raises(RuntimeError, match=OUTSIDE):
        _ = uow.working
    with pytest.raises(RuntimeError, match=OUTSIDE):
        await uow.commit()
    with pytest.raises(RuntimeError, match=OUTSIDE):
        await uow.rollback()


def test_the_naming_convention_names_what_is_left_unnamed() -> None:
    named = MetaData(naming_convention=NAMING_CONVENTION)
    Table("parents", named, Column("id", Integer, primary_key=True))
    children = Table(
        "children",
        named,
        Column("id", Integer, primary_key=True),
        Column("parent_id", Integer, ForeignKey("parents.id"), nullable=False),
        Column("at", Integer, nullable=False),
        Index(None, "parent_id", "at"),
    )
    table = str(CreateTable(children))
    assert "CONSTRAINT pk_children PRIMARY KEY" in table
    assert "CONSTRAINT fk_children_parent_id_parents FOREIGN KEY" in table
    (index,) = children.indexes
    assert "CREATE INDEX ix_children_parent_id_at " in str(CreateIndex(index))
