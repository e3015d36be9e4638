"""The SQL repository of firmware status notifications (:mod:`chargepoint_svc.domain.firmware`)."""

from __future__ import annotations

import json

from sqlalchemy import literal, select
from sqlalchemy.ext.asyncio import AsyncConnection

from chargepoint_svc.adapters.tables import firmware_reports
from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.firmware import FirmwareKind, FirmwareReport
from servicekit.row_bounds import beyond_bound
from servicekit.timestamps import as_utc


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
