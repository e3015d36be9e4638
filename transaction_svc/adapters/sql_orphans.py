"""The orphan report repository over SQLAlchemy Core, on the unit of work's connection."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, literal, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from servicekit.database import DIALECT_INSERTS
from servicekit.row_bounds import beyond_bound
from servicekit.timestamps import as_utc
from transaction_svc.adapters.tables import orphan_reports
from transaction_svc.domain.meter_values import meter_values_content, meter_values_from_content
from transaction_svc.domain.orphan import (
    OrphanCause,
    OrphanContent,
    OrphanKind,
    OrphanQuery,
    OrphanReport,
    Reconciliation,
)
from transaction_svc.domain.transaction import StopReason

# INSERT ... ON CONFLICT DO NOTHING: a repetition (same charge point and fingerprint) writes
# nothing and raises nothing, even when it races the first.
_ADD = {
    name: dialect_insert(orphan_reports).on_conflict_do_nothing(
        index_elements=["charge_point_id", "fingerprint"]
    )
    for name, dialect_insert in DIALECT_INSERTS.items()
}
_BY_FINGERPRINT = select(orphan_reports).where(
    orphan_reports.c.charge_point_id == bindparam("cp_id"),
    orphan_reports.c.fingerprint == bindparam("fingerprint"),
)


def _orphan(row: Row[Any]) -> OrphanReport:
    return OrphanReport(
        id=row.id,
        content=OrphanContent(
            charge_point_id=row.charge_point_id,
            kind=OrphanKind[row.kind],
            cause=OrphanCause[row.cause],
            transaction_id=row.transaction_id,
            station_transaction_id=row.station_transaction_id,
            evse_id=row.evse_id,
            connector_id=row.connector_id,
            meter_stop_wh=row.meter_stop_wh,
            stopped_at=None if row.stopped_at is None else as_utc(row.stopped_at),
            stop_reason=None if row.stop_reason is None else StopReason[row.stop_reason],
            id_tag=row.id_tag,
            meter_values=meter_values_from_content(json.loads(row.meter_values)),
        ),
        received_at=as_utc(row.received_at),
        reconciliation=(
            None
            if row.reconciled_at is None
            else Reconciliation(
                as_utc(row.reconciled_at),
                row.reconciliation_note,
                row.reconciled_transaction_id,
            )
        ),
    )


class SqlOrphanReportRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, content: OrphanContent, now: datetime) -> tuple[OrphanReport, bool]:
        fingerprint = content.fingerprint()
        values = {
            "charge_point_id": content.charge_point_id,
            "kind": content.kind.name,
            "cause": content.cause.name,
            "transaction_id": content.transaction_id,
            "station_transaction_id": content.station_transaction_id,
            "evse_id": content.evse_id,
            "connector_id": content.connector_id,
            "meter_stop_wh": content.meter_stop_wh,
            "stopped_at": None if content.stopped_at is None else as_utc(content.stopped_at),
            "stop_reason": None if content.stop_reason is None else content.stop_reason.name,
            "id_tag": content.id_tag,
            "meter_values": json.dumps(
                meter_values_content(content.meter_values), ensure_ascii=False
            ),
            "fingerprint": fingerprint,
            "received_at": as_utc(now),
        }
        statement = _ADD[self._connection.dialect.name]
        added = (await self._connection.execute(statement, values)).rowcount == 1
        parameters = {"cp_id": content.charge_point_id, "fingerprint": fingerprint}
        row = (await self._connection.execute(_BY_FINGERPRINT, parameters)).one()
        return _orphan(row), added

    async def get(self, orphan_id: int) -> OrphanReport | None:
        row = (
            await self._connection.execute(
                select(orphan_reports).where(orphan_reports.c.id == orphan_id)
            )
        ).one_or_none()
        return None if row is None else _orphan(row)

    async def reconcile(self, orphan_id: int, reconciliation: Reconciliation) -> bool:
        # A compare-and-set: of two operators reconciling at once, one wins.
        result = await self._connection.execute(
            update(orphan_reports)
            .where(orphan_reports.c.id == orphan_id, orphan_reports.c.reconciled_at.is_(None))
            .values(
                reconciled_at=as_utc(reconciliation.at),
                reconciliation_note=reconciliation.note,
                reconciled_transaction_id=reconciliation.transaction_id,
            )
        )
        return result.rowcount == 1

    async def search(self, query: OrphanQuery) -> list[OrphanReport]:
        statement = select(orphan_reports).order_by(orphan_reports.c.id.desc()).limit(query.limit)
        if query.before_id is not None:
            statement = statement.where(orphan_reports.c.id < query.before_id)
        if query.charge_point_id is not None:
            statement = statement.where(orphan_reports.c.charge_point_id == query.charge_point_id)
        if query.unreconciled:
            statement = statement.where(orphan_reports.c.reconciled_at.is_(None))
        return [_orphan(row) for row in await self._connection.execute(statement)]

    async def delete_beyond(self, keep: int, limit: int) -> int:
        statement = beyond_bound(
            orphan_reports,
            keys=("id",),
            newest_first=[orphan_reports.c.id.desc()],
            weight=literal(1),
            bound=keep,
            limit=limit,
        )
        return int((await self._connection.execute(statement)).rowcount)
