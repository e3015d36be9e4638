"""The SQL repository of the message journal (:mod:`chargepoint_svc.domain.journal`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from chargepoint_svc.adapters.tables import journal_entries
from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.journal import Direction, JournalEntry, JournalQuery, MessageType
from servicekit.row_bounds import beyond_bound
from servicekit.timestamps import as_utc

_FIELDS = (
    "charge_point_id",
    "at",
    "direction",
    "message_type",
    "message_id",
    "action",
    "payload",
    "truncated",
    "ocpp_version",
)


class SqlJournalRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, entries: Sequence[JournalEntry]) -> None:
        if not entries:
            return
        rows = [
            {name: getattr(entry, name) for name in _FIELDS}
            | {"direction": str(entry.direction), "message_type": str(entry.message_type)}
            for entry in entries
        ]
        await self._connection.execute(journal_entries.insert(), rows)

    async def page(self, query: JournalQuery) -> list[JournalEntry]:
        table = journal_entries
        statement = (
            select(table)
            .where(table.c.charge_point_id == query.charge_point_id)
            .order_by(table.c.at.desc(), table.c.id.desc())
            .limit(query.limit)
        )
        if query.since is not None:
            statement = statement.where(table.c.at >= query.since)
        if query.until is not None:
            statement = statement.where(table.c.at < query.until)
        if query.actions:
            statement = statement.where(table.c.action.in_(sorted(query.actions)))
        if query.after is not None:
            statement = statement.where(
                or_(
                    table.c.at < query.after.at,
                    and_(table.c.at == query.after.at, table.c.id < query.after.sequence),
                )
            )
        return [_entry(row) for row in await self._connection.execute(statement)]

    async def delete_before(self, cutoff: datetime, limit: int) -> int:
        table = journal_entries
        oldest = select(table.c.id).where(table.c.at < cutoff).order_by(table.c.at).limit(limit)
        result = await self._connection.execute(
            delete(table).where(table.c.id.in_(oldest.scalar_subquery()))
        )
        return int(result.rowcount)

    async def delete_beyond(self, max_bytes: int, overhead: int, limit: int) -> int:
        table = journal_entries
        weight = func.length(table.c.payload) + overhead
        statement = beyond_bound(
            table,
            keys=("id",),
            newest_first=[table.c.id.desc()],
            weight=weight,
            bound=max_bytes,
            limit=limit,
        )
        return int((await self._connection.execute(statement)).rowcount)


def _entry(row: Row[Any]) -> JournalEntry:
    return JournalEntry(
        charge_point_id=ChargePointId(row.charge_point_id),
        at=as_utc(row.at),
        direction=Direction(row.direction),
        message_type=MessageType(row.message_type),
        message_id=row.message_id,
        action=row.action,
        payload=row.payload,
        truncated=row.truncated,
        ocpp_version=row.ocpp_version,
        sequence=row.id,
    )
