"""The SQL repositories of firmware status notifications and of the firmware requests the
CSMS sent (:mod:`chargepoint_svc.domain.firmware`)."""

from __future__ import annotations

import json

from sqlalchemy import literal, select
from sqlalchemy.ext.asyncio import AsyncConnection

from chargepoint_svc.adapters.sql_reports import dialect_insert
from chargepoint_svc.adapters.tables import firmware_reports, firmware_requests
from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.firmware import FirmwareKind, FirmwareOrder, FirmwareReport
from servicekit.row_bounds import beyond_bound
from servicekit.timestamps import as_utc

_ORDER_VALUES = (
    "location",
    "retrieve_at",
    "install_at",
    "signed",
    "checksum",
    "requested_at",
    "answer",
    "unpublished_at",
)


class SqlFirmwareReportRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, report: FirmwareReport) -> None:
        await self._connection.execute(
            firmware_reports.insert().values(
                charge_point_id=report.charge_point_id,
                kind=report.kind.value,
                request_id=report.request_id,
                status=report.status,
                locations=json.dumps(list(report.locations)),
                received_at=report.received_at,
            )
        )

    async def reports(
        self, charge_point_id: ChargePointId, kind: FirmwareKind
    ) -> list[FirmwareReport]:
        query = (
            select(firmware_reports)
            .where(
                firmware_reports.c.charge_point_id == charge_point_id,
                firmware_reports.c.kind == kind.value,
            )
            .order_by(firmware_reports.c.id)
        )
        return [
            FirmwareReport(
                charge_point_id=ChargePointId(row.charge_point_id),
                kind=FirmwareKind(row.kind),
                request_id=row.request_id,
                status=row.status,
                received_at=as_utc(row.received_at),
                locations=tuple(json.loads(row.locations)),
                sequence=row.id,
            )
            for row in await self._connection.execute(query)
        ]

    async def delete_beyond(self, keep: int, limit: int) -> int:
        statement = beyond_bound(
            firmware_reports,
            keys=("id",),
            newest_first=[firmware_reports.c.id.desc()],
            weight=literal(1),
            bound=keep,
            limit=limit,
        )
        return int((await self._connection.execute(statement)).rowcount)


class SqlFirmwareOrderRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def save(self, order: FirmwareOrder) -> None:
        statement = dialect_insert(self._connection, firmware_requests)
        statement = statement.on_conflict_do_update(
            index_elements=[
                firmware_requests.c.charge_point_id,
                firmware_requests.c.kind,
                firmware_requests.c.request_id,
            ],
            set_={name: statement.excluded[name] for name in _ORDER_VALUES},
        )
        await self._connection.execute(
            statement,
            {
                "charge_point_id": order.charge_point_id,
                "kind": order.kind.value,
                "request_id": order.request_id,
                **{name: getattr(order, name) for name in _ORDER_VALUES},
            },
        )

    async def orders(
        self, charge_point_id: ChargePointId, kind: FirmwareKind
    ) -> list[FirmwareOrder]:
        query = select(firmware_requests).where(
            firmware_requests.c.charge_point_id == charge_point_id,
            firmware_requests.c.kind == kind.value,
        )
        return [
            FirmwareOrder(
                charge_point_id=ChargePointId(row.charge_point_id),
                kind=FirmwareKind(row.kind),
                request_id=row.request_id,
                location=row.location,
                requested_at=as_utc(row.requested_at),
                answer=row.answer,
                retrieve_at=None if row.retrieve_at is None else as_utc(row.retrieve_at),
                install_at=None if row.install_at is None else as_utc(row.install_at),
                signed=row.signed,
                checksum=row.checksum,
                unpublished_at=None if row.unpublished_at is None else as_utc(row.unpublished_at),
            )
            for row in await self._connection.execute(query)
        ]
