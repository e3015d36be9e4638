"""The SQL repository of the message journal, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from chargepoint_svc.adapters.sql import SqlUnitOfWork
from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.journal import (
    MAX_PAYLOAD_CHARS,
    Direction,
    JournalCursor,
    JournalEntry,
    JournalQuery,
    MessageType,
)
from servicekit import migrations
from servicekit.database import create_engine

T0 = datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
CP1 = ChargePointId("CP1")
CP2 = ChargePointId("CP2")


def entry(
    seconds: float, message_id: str, action: str = "Heartbeat", **changes: object
) -> JournalEntry:
    made = JournalEntry(
        charge_point_id=CP1,
        at=T0 + timedelta(seconds=seconds),
        direction=Direction.IN,
        message_type=MessageType.CALL,
        message_id=message_id,
        action=action,
        payload=f'[2,"{message_id}","{action}",{{}}]',
        truncated=False,
        ocpp_version="2.0.1",
    )
    return dataclasses.replace(made, **changes)  # type: ignore[arg-type]


def query(**changes: object) -> JournalQuery:
    base = JournalQuery(CP1, None, None, frozenset(), None, 100)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    await asyncio.to_thread(migrations.upgrade, "chargepoint", database_url)
    created = create_engine(database_url, "chargepoint")
    yield created
    await created.dispose()


async def _page(engine: AsyncEngine, **changes: object) -> list[JournalEntry]:
    async with SqlUnitOfWork(engine) as uow:
        return await uow.journal.page(query(**changes))


async def test_entries_read_back_whole_newest_first(engine: AsyncEngine) -> None:
    big = "x" * MAX_PAYLOAD_CHARS
    stored = [
        entry(1, "a", "BootNotification"),
        entry(
            1,
            "a",
            "BootNotification",
            direction=Direction.OUT,
            message_type=MessageType.CALL_RESULT,
            payload=big,
            truncated=True,
        ),
        entry(2, "-1", "", message_type=MessageType.UNPARSABLE, payload="not json \ufffd"),
        entry(0, "other", charge_point_id=CP2),
    ]
    async with SqlUnitOfWork(engine) as uow:
        await uow.journal.add(stored)
        await uow.commit()
    found = await _page(engine)
    assert [dataclasses.replace(e, sequence=0) for e in found] == [
        stored[2],
        stored[1],
        stored[0],
    ]
    # Same instant: the later arrival first.
    assert found[1].sequence > found[2].sequence


async def test_filters_and_the_cursor(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        await uow.journal.add(
            [
                entry(1, "1", "BootNotification"),
                entry(2, "2"),
                entry(2, "3"),
                entry(3, "4", "StatusNotification"),
            ]
        )
        await uow.commit()

    def ids(found: list[JournalEntry]) -> list[str]:
        return [e.message_id for e in found]

    since, until = T0 + timedelta(seconds=2), T0 + timedelta(seconds=3)
    assert ids(await _page(engine, since=since, until=until)) == ["3", "2"]
    actions = frozenset({"BootNotification", "StatusNotification"})
    assert ids(await _page(engine, actions=actions)) == ["4", "1"]
    first = await _page(engine, limit=2)
    assert ids(first) == ["4", "3"]
    rest = await _page(engine, after=JournalCursor.after(first[-1]))
    assert ids(rest) == ["2", "1"]


async def test_delete_before_takes_the_oldest_in_batches(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        await uow.journal.add([entry(n, str(n)) for n in range(5)])
        await uow.commit()
    cutoff = T0 + timedelta(seconds=3)
    async with SqlUnitOfWork(engine) as uow:
        assert await uow.journal.delete_before(cutoff, 2) == 2
        assert await uow.journal.delete_before(cutoff, 2) == 1
        assert await uow.journal.delete_before(cutoff, 2) == 0
        await uow.commit()
    assert [e.message_id for e in await _page(engine)] == ["4", "3"]
