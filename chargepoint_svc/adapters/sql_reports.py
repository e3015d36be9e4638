"""SQL repositories of what stations report: device model variables, security events and
station events (the charge points themselves are in :mod:`chargepoint_svc.adapters.sql`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Delete, Row, Select, Table, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection

from chargepoint_svc.adapters.tables import (
    device_model_variables,
    security_events,
    station_events,
)
from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.device_model import ReportedVariable
from chargepoint_svc.domain.station_events import EventFilter, SecurityEvent, StationEvent
from servicekit.database import DIALECT_INSERTS, Upsert
from servicekit.row_bounds import beyond_bound
from servicekit.timestamps import as_utc

_KEY_COLUMNS = (
    "component",
    "component_instance",
    "evse_id",
    "connector_id",
    "variable",
    "variable_instance",
    "attribute_type",
)
_VALUE_COLUMNS = ("value", "mutability", "data_type", "unit", "values_list")
_STATION_EVENT_FIELDS = (
    "event_id",
    "timestamp",
    "trigger",
    "cause",
    "actual_value",
    "tech_code",
    "tech_info",
    "cleared",
    "transaction_id",
    "component",
    "evse_id",
    "variable",
    "notification_type",
    "received_at",
    "variable_monitoring_id",
    "severity",
)


def dialect_insert(connection: AsyncConnection, table: Table) -> Upsert:
    """An INSERT that can say ON CONFLICT, in the dialect of ``connection``."""
    return DIALECT_INSERTS[connection.dialect.name](table)


class SqlDeviceModelRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def save(
        self,
        charge_point_id: ChargePointId,
        variables: Sequence[ReportedVariable],
        reported_at: datetime,
    ) -> None:
        if not variables:
            return
        statement = dialect_insert(self._connection, device_model_variables)
        statement = statement.on_conflict_do_update(
            index_elements=[device_model_variables.c.charge_point_id]
            + [device_model_variables.c[name] for name in _KEY_COLUMNS],
            set_={name: statement.excluded[name] for name in (*_VALUE_COLUMNS, "reported_at")},
        )
        rows = [
            {
                "charge_point_id": charge_point_id,
                "reported_at": reported_at,
                **{name: getattr(variable, name) for name in (*_KEY_COLUMNS, *_VALUE_COLUMNS)},
            }
            for variable in variables
        ]
        await self._connection.execute(statement, rows)

    async def variables(self, charge_point_id: ChargePointId) -> list[ReportedVariable]:
        query = select(device_model_variables).where(
            device_model_variables.c.charge_point_id == charge_point_id
        )
        found = [
            ReportedVariable(
                **{name: getattr(row, name) for name in (*_KEY_COLUMNS, *_VALUE_COLUMNS)}
            )
            for row in await self._connection.execute(query)
        ]
        # Sorted here, not by ORDER BY: PostgreSQL's collation may order text unlike SQLite.
        return sorted(found, key=lambda variable: variable.key)

    async def delete_beyond(self, keep: int, limit: int) -> int:
        table = device_model_variables
        keys = ("charge_point_id", *_KEY_COLUMNS)
        newest = [table.c.reported_at.desc(), *(table.c[key] for key in _KEY_COLUMNS)]
        return await _deleted(
            self._connection,
            beyond_bound(
                table, keys=keys, newest_first=newest, weight=literal(1), bound=keep, limit=limit
            ),
        )


class SqlSecurityEventRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, event: SecurityEvent) -> None:
        await self._connection.execute(
            security_events.insert().values(
                charge_point_id=event.charge_point_id,
                type=event.type,
                timestamp=event.timestamp,
                tech_info=event.tech_info,
                received_at=event.received_at,
            )
        )

    async def page(
        self, charge_point_id: ChargePointId, before: int | None, limit: int
    ) -> list[SecurityEvent]:
        query = (
            select(security_events)
            .where(security_events.c.charge_point_id == charge_point_id)
            .order_by(security_events.c.id.desc())
            .limit(limit)
        )
        if before is not None:
            query = query.where(security_events.c.id < before)
        return [
            SecurityEvent(
                charge_point_id=ChargePointId(row.charge_point_id),
                type=row.type,
                timestamp=as_utc(row.timestamp),
                received_at=as_utc(row.received_at),
                tech_info=row.tech_info,
                sequence=row.id,
            )
            for row in await self._connection.execute(query)
        ]

    async def delete_beyond(self, keep: int, limit: int) -> int:
        return await _deleted(self._connection, _newest_rows(security_events, keep, limit))


class SqlStationEventRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, events: Sequence[StationEvent]) -> None:
        if not events:
            return
        rows = [
            {
                "charge_point_id": event.charge_point_id,
                **{name: getattr(event, name) for name in _STATION_EVENT_FIELDS},
            }
            for event in events
        ]
        await self._connection.execute(station_events.insert(), rows)

    async def page(
        self,
        charge_point_id: ChargePointId,
        before: int | None,
        limit: int,
        where: EventFilter | None = None,
    ) -> list[StationEvent]:
        query = (
            select(station_events)
            .where(station_events.c.charge_point_id == charge_point_id)
            .order_by(station_events.c.id.desc())
            .limit(limit)
        )
        if before is not None:
            query = query.where(station_events.c.id < before)
        if where is not None:
            query = _filtered(query, where)
        return [_station_event(row) for row in await self._connection.execute(query)]

    async def delete_beyond(self, keep: int, limit: int) -> int:
        return await _deleted(self._connection, _newest_rows(station_events, keep, limit))


def _newest_rows(table: Table, keep: int, limit: int) -> Delete:
    """Rows of a charge point beyond its ``keep`` newest (by id, the order of arrival)."""
    return beyond_bound(
        table,
        keys=("id",),
        newest_first=[table.c.id.desc()],
        weight=literal(1),
        bound=keep,
        limit=limit,
    )


async def _deleted(connection: AsyncConnection, statement: Delete) -> int:
    return int((await connection.execute(statement)).rowcount)


def _station_event(row: Row[Any]) -> StationEvent:
    values = {name: getattr(row, name) for name in _STATION_EVENT_FIELDS}
    values["timestamp"] = as_utc(row.timestamp)
    values["received_at"] = as_utc(row.received_at)
    return StationEvent(
        charge_point_id=ChargePointId(row.charge_point_id), sequence=row.id, **values
    )


def _filtered(query: Select[Any], where: EventFilter) -> Select[Any]:
    """``query`` of station events narrowed to what ``where`` asks (its
    :meth:`~chargepoint_svc.domain.station_events.EventFilter.matches`, in SQL)."""
    table = station_events
    conditions: list[ColumnElement[bool]] = []
    if where.trigger:
        conditions.append(table.c.trigger == where.trigger)
    if where.component:
        conditions.append(table.c.component == where.component)
    if where.variable:
        conditions.append(table.c.variable == where.variable)
    if where.max_severity is not None:
        conditions.append(table.c.severity <= where.max_severity)
    if where.cleared is not None:
        conditions.append(table.c.cleared == where.cleared)
    if where.variable_monitoring_id is not None:
        conditions.append(table.c.variable_monitoring_id == where.variable_monitoring_id)
    if where.since is not None:
        conditions.append(table.c.timestamp >= where.since)
    if where.until is not None:
        conditions.append(table.c.timestamp < where.until)
    return query.where(*conditions) if conditions else query
