"""Repositories and the unit of work over SQLAlchemy Core, for SQLite and PostgreSQL.

One unit of work is one database connection and one transaction. Rows are mapped to the
domain's frozen dataclasses by hand: the tables are few and the mapping stays visible.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table, bindparam, literal, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from chargepoint_svc.adapters import sql_fleet
from chargepoint_svc.adapters.sql_firmware import (
    SqlFirmwareOrderRepository,
    SqlFirmwareReportRepository,
)
from chargepoint_svc.adapters.sql_journal import SqlJournalRepository
from chargepoint_svc.adapters.sql_monitors import SqlMonitorRepository
from chargepoint_svc.adapters.sql_reports import (
    SqlDeviceModelRepository,
    SqlSecurityEventRepository,
    SqlStationEventRepository,
    dialect_insert,
)
from chargepoint_svc.adapters.sql_requests import (
    SqlDisplayMessageRepository,
    SqlStationRequestRepository,
)
from chargepoint_svc.adapters.sql_smart_charging import SqlSmartChargingRepository
from chargepoint_svc.adapters.tables import charge_points, connectors
from chargepoint_svc.domain.charge_point import (
    BootData,
    ChargePoint,
    ChargePointId,
    Connector,
    ConnectorStatus,
    RegistrationStatus,
)
from chargepoint_svc.domain.fleet import ChargePointFilter, FleetSummary
from servicekit import unit_of_work
from servicekit.database import DIALECT_INSERTS, Upsert
from servicekit.row_bounds import beyond_bound
from servicekit.timestamps import as_utc

_BOOT_FIELDS = tuple(field.name for field in dataclasses.fields(BootData))

# The statements of the per-message paths, built once: SQLAlchemy then finds their
# compiled form by identity instead of building, coercing and hashing a new statement
# for every message.
_MARK_SEEN = (
    update(charge_points)
    .where(charge_points.c.id == bindparam("cp_id"))
    .values(last_seen_at=bindparam("at"), updated_at=bindparam("at"))
)
_CONNECTOR_KEY = ("charge_point_id", "evse_id", "connector_id")
_CONNECTOR_STATE = (
    "status",
    "error_code",
    "info",
    "vendor_id",
    "vendor_error_code",
    "status_at",
    "updated_at",
)


def _upsert_connector(insert: Callable[[Table], Upsert]) -> Upsert:
    statement = insert(connectors).values(
        {name: bindparam(name) for name in (*_CONNECTOR_KEY, *_CONNECTOR_STATE)}
    )
    return statement.on_conflict_do_update(
        index_elements=[connectors.c[name] for name in _CONNECTOR_KEY],
        set_={name: statement.excluded[name] for name in _CONNECTOR_STATE},
    )


_SAVE_CONNECTOR = {name: _upsert_connector(insert) for name, insert in DIALECT_INSERTS.items()}
_CONNECTOR = select(connectors).where(
    connectors.c.charge_point_id == bindparam("cp_id"),
    connectors.c.evse_id == bindparam("evse_id"),
    connectors.c.connector_id == bindparam("connector_id"),
)


class SqlUnitOfWork(unit_of_work.SqlUnitOfWork):
    """A connection and its transaction; ``async with`` it, then :meth:`commit`."""

    @property
    def charge_points(self) -> SqlChargePointRepository:
        return SqlChargePointRepository(self.connection)

    @property
    def device_models(self) -> SqlDeviceModelRepository:
        return SqlDeviceModelRepository(self.connection)

    @property
    def security_events(self) -> SqlSecurityEventRepository:
        return SqlSecurityEventRepository(self.connection)

    @property
    def station_events(self) -> SqlStationEventRepository:
        return SqlStationEventRepository(self.connection)

    @property
    def journal(self) -> SqlJournalRepository:
        return SqlJournalRepository(self.connection)

    @property
    def monitors(self) -> SqlMonitorRepository:
        return SqlMonitorRepository(self.connection)

    @property
    def station_requests(self) -> SqlStationRequestRepository:
        return SqlStationRequestRepository(self.connection)

    @property
    def display_messages(self) -> SqlDisplayMessageRepository:
        return SqlDisplayMessageRepository(self.connection)

    @property
    def smart_charging(self) -> SqlSmartChargingRepository:
        return SqlSmartChargingRepository(self.connection)

    @property
    def firmware_reports(self) -> SqlFirmwareReportRepository:
        return SqlFirmwareReportRepository(self.connection)

    @property
    def firmware_orders(self) -> SqlFirmwareOrderRepository:
        return SqlFirmwareOrderRepository(self.connection)


class SqlChargePointRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get(self, charge_point_id: ChargePointId) -> ChargePoint | None:
        query = select(charge_points).where(charge_points.c.id == charge_point_id)
        row = (await self._connection.execute(query)).one_or_none()
        if row is None:
            return None
        found = await self._connectors([charge_point_id])
        return _charge_point(row, found.get(charge_point_id, ()))

    async def lock(self, charge_point_id: ChargePointId) -> ChargePoint | None:
        # A no-op UPDATE is the one lock both stores understand: on PostgreSQL it locks the
        # row until commit (a concurrent locker waits, then reads the committed row); SQLite
        # has no row locks, and any write statement takes the database's write lock.
        await self._connection.execute(
            update(charge_points)
            .where(charge_points.c.id == charge_point_id)
            .values(updated_at=charge_points.c.updated_at)
        )
        return await self.get(charge_point_id)

    async def mark_seen(self, charge_point_id: ChargePointId, at: datetime) -> bool:
        # An UPDATE locks like lock() does: the row on PostgreSQL, the database on SQLite.
        result = await self._connection.execute(_MARK_SEEN, {"cp_id": charge_point_id, "at": at})
        return result.rowcount == 1

    async def connector(
        self, charge_point_id: ChargePointId, evse_id: int, connector_id: int
    ) -> Connector | None:
        parameters = {"cp_id": charge_point_id, "evse_id": evse_id, "connector_id": connector_id}
        row = (await self._connection.execute(_CONNECTOR, parameters)).one_or_none()
        return None if row is None else _connector(row)

    async def page(
        self, after: str | None, limit: int, where: ChargePointFilter | None = None
    ) -> list[ChargePoint]:
        query = sql_fleet.filtered(select(charge_points), where)
        query = query.order_by(charge_points.c.id).limit(limit)
        if after is not None:
            query = query.where(charge_points.c.id > after)
        rows = (await self._connection.execute(query)).all()
        found = await self._connectors([row.id for row in rows])
        return [_charge_point(row, found.get(row.id, ())) for row in rows]

    async def count(self, where: ChargePointFilter | None = None) -> int:
        return await sql_fleet.count(self._connection, where)

    async def summary(self) -> FleetSummary:
        return await sql_fleet.summary(self._connection)

    async def add(self, charge_point: ChargePoint) -> bool:
        # ON CONFLICT DO NOTHING: when another transaction inserts the same id first,
        # PostgreSQL waits for it and then skips the row instead of raising.
        statement = (
            dialect_insert(self._connection, charge_points)
            .values(
                id=charge_point.id,
                created_at=charge_point.created_at,
                **_charge_point_values(charge_point),
            )
            .on_conflict_do_nothing(index_elements=[charge_points.c.id])
        )
        result = await self._connection.execute(statement)
        return result.rowcount == 1

    async def update(self, charge_point: ChargePoint) -> None:
        await self._connection.execute(
            update(charge_points)
            .where(charge_points.c.id == charge_point.id)
            .values(**_charge_point_values(charge_point))
        )

    async def save_connector(self, charge_point_id: ChargePointId, connector: Connector) -> None:
        statement = _SAVE_CONNECTOR[self._connection.dialect.name]
        await self._connection.execute(
            statement,
            {
                "charge_point_id": charge_point_id,
                "evse_id": connector.evse_id,
                "connector_id": connector.connector_id,
                "status": str(connector.status),
                "error_code": connector.error_code,
                "info": connector.info,
                "vendor_id": connector.vendor_id,
                "vendor_error_code": connector.vendor_error_code,
                "status_at": connector.status_at,
                "updated_at": connector.updated_at,
            },
        )

    async def delete_connectors_beyond(self, keep: int, limit: int) -> int:
        table = connectors
        statement = beyond_bound(
            table,
            keys=("charge_point_id", "evse_id", "connector_id"),
            newest_first=[table.c.updated_at.desc(), table.c.evse_id, table.c.connector_id],
            weight=literal(1),
            bound=keep,
            limit=limit,
        )
        return int((await self._connection.execute(statement)).rowcount)

    async def _connectors(
        self, charge_point_ids: Sequence[str]
    ) -> dict[str, tuple[Connector, ...]]:
        if not charge_point_ids:
            return {}
        query = (
            select(connectors)
            .where(connectors.c.charge_point_id.in_(charge_point_ids))
            .order_by(connectors.c.charge_point_id, connectors.c.evse_id, connectors.c.connector_id)
        )
        grouped: dict[str, list[Connector]] = {}
        for row in await self._connection.execute(query):
            grouped.setdefault(row.charge_point_id, []).append(_connector(row))
        return {key: tuple(value) for key, value in grouped.items()}


def _charge_point_values(charge_point: ChargePoint) -> dict[str, Any]:
    """The columns an update writes: everything but the key and created_at."""
    return {
        "registration_status": str(charge_point.registration_status),
        **{name: getattr(charge_point.boot, name) for name in _BOOT_FIELDS},
        "last_boot_at": charge_point.last_boot_at,
        "last_seen_at": charge_point.last_seen_at,
        "firmware_status": charge_point.firmware_status,
        "diagnostics_status": charge_point.diagnostics_status,
        "updated_at": charge_point.updated_at,
        "base_report_owed": charge_point.base_report_owed,
        "base_report_at": charge_point.base_report_at,
        "reported_at": charge_point.reported_at,
    }


def _optional_utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else as_utc(moment)


def _charge_point(row: Row[Any], found: tuple[Connector, ...]) -> ChargePoint:
    return ChargePoint(
        id=ChargePointId(row.id),
        registration_status=RegistrationStatus(row.registration_status),
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
        boot=BootData(**{name: getattr(row, name) for name in _BOOT_FIELDS}),
        last_boot_at=_optional_utc(row.last_boot_at),
        last_seen_at=_optional_utc(row.last_seen_at),
        firmware_status=row.firmware_status,
        diagnostics_status=row.diagnostics_status,
        connectors=found,
        base_report_owed=row.base_report_owed,
        base_report_at=_optional_utc(row.base_report_at),
        reported_at=_optional_utc(row.reported_at),
    )


def _connector(row: Row[Any]) -> Connector:
    return Connector(
        evse_id=row.evse_id,
        connector_id=row.connector_id,
        status=ConnectorStatus(row.status),
        status_at=as_utc(row.status_at),
        updated_at=as_utc(row.updated_at),
        error_code=row.error_code,
        info=row.info,
        vendor_id=row.vendor_id,
        vendor_error_code=row.vendor_error_code,
    )
