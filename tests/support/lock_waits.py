"""Knowing that a unit of work is really waiting for another, instead of sleeping and hoping.

A concurrency test starts a second unit of work that must wait for the first one (a row
lock, or the first one's uncommitted insert), then lets the first one commit. Unless the
second one was already waiting at that moment, the test passes without testing the race.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.waiting import settled

_LOCK_WAITERS = text(
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


async def someone_waits(engine: AsyncEngine, *, within: float = 20.0) -> None:
    """Return once some unit of work on ``engine`` is blocked by another one.

    PostgreSQL: a backend of this database waits for a lock (``pg_stat_activity``). SQLite:
    a service holds its file through one pooled connection (``servicekit.database``), so the
    second unit of work waits for that connection in the pool's queue, which only the
    queue's getters show.
    """
    if engine.dialect.name == "postgresql":

        async def blocked() -> bool:
            async with engine.connect() as connection:
                return bool(await connection.scalar(_LOCK_WAITERS))

    else:
        queue: asyncio.Queue[object] = engine.pool._pool._queue  # type: ignore[attr-defined]

        async def blocked() -> bool:
            return bool(queue._getters)  # type: ignore[attr-defined]

    await settled(blocked, within=within, what="a unit of work waiting for another")
