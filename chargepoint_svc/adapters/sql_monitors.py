"""The SQL repository of the monitors stations keep (:mod:`chargepoint_svc.domain.monitors`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, delete, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from chargepoint_svc.adapters.sql_reports import dialect_insert
from chargepoint_svc.adapters.tables import station_monitors
from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.monitors import Monitor, MonitorQuery
from servicekit.row_bounds import beyond_bound
from servicekit.timestamps import as_utc

_FIELDS = (
    "component",
    "component_instance",
    "evse_id",
    "connector_id",
    "variable",
    "variable_instance",
    "type",
    "value",
    "severity",
    "transaction",
    "notification_type",
    "report_id",
    "updated_at",
)


class SqlMonitorRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def save(self, monitors: Sequence[Monitor]) -> None:
        if not monitors:
            return
        table = station_monitors
        statement = dialect_insert(self._connection, table)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.charge_point_id, table.c.id],
            set_={name: statement.excluded[name] for name in _FIELDS},
        )
        rows = [
            {
                "charge_point_id": monitor.charge_point_id,
                "id": monitor.id,
                **{name: getattr(monitor, name) for name in _FIELDS},
            }
            for monitor in monitors
        ]
        await self._connection.execute(statement, rows)

    async def delete(self, charge_point_id: ChargePointId, ids: Sequence[int]) -> None:
        if not ids:
            return
        table = station_monitors
        await self._connection.execute(
            delete(table).where(table.c.charge_point_id == charge_point_id, table.c.id.in_(ids))
        )

    async def delete_not_in_report(self, charge_point_id: ChargePointId, request_id: int) -> None:
        table = station_monitors
        await self._connection.execute(
            delete(table).where(
                table.c.charge_point_id == charge_point_id,
                or_(table.c.report_id.is_(None), table.c.report_id != request_id),
            )
        )

    async def severities(
        self, charge_point_id: ChargePointId, ids: Sequence[int]
    ) -> dict[int, int]:
        if not ids:
            return {}
        table = station_monitors
        query = select(table.c.id, table.c.severity).where(
            table.c.charge_point_id == charge_point_id, table.c.id.in_(set(ids))
        )
        return {row.id: row.severity for row in await self._connection.execute(query)}

    async def page(self, query: MonitorQuery) -> list[Monitor]:
        table = station_monitors
        statement = (
            select(table)
            .where(table.c.charge_point_id == query.charge_point_id)
            .order_by(table.c.id)
            .limit(query.limit)
        )
        if query.component:
            statement = statement.where(table.c.component == query.component)
        if query.variable:
            statement = statement.where(table.c.variable == query.variable)
        if query.after_id is not None:
            statement = statement.where(table.c.id > query.after_id)
        return [_monitor(row) for row in await self._connection.execute(statement)]

    async def delete_beyond(self, keep: int, limit: int) -> int:
        table = station_monitors
        statement = beyond_bound(
            table,
            keys=("charge_point_id", "id"),
            newest_first=[table.c.updated_at.desc(), table.c.id],
            weight=literal(1),
            bound=keep,
            limit=limit,
        )
        return int((await self._connection.execute(statement)).rowcount)


def _monitor(row: Row[Any]) -> Monitor:
    values = {name: getattr(row, name) for name in _FIELDS}
    values["updated_at"] = as_utc(row.updated_at)
    return Monitor(charge_point_id=ChargePointId(row.charge_point_id), id=row.id, **values)
