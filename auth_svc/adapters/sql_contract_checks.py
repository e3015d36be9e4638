"""The record of Plug & Charge checks over SQLAlchemy Core, on the unit of work's
connection."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from auth_svc.adapters.tables import contract_certificate_checks
from auth_svc.domain.contract_certificate import Check
from servicekit.timestamps import as_utc

_columns = contract_certificate_checks.c


class SqlContractCheckRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, check: Check) -> None:
        await self._connection.execute(
            insert(contract_certificate_checks).values(
                charge_point_id=check.charge_point_id,
                action=check.action,
                id_tag=check.id_tag,
                serial_number=check.serial_number,
                status=check.status,
                reason=check.reason,
                checked_at=as_utc(check.checked_at),
            )
        )

    async def newest(self, charge_point_id: str, limit: int) -> list[Check]:
        result = await self._connection.execute(
            select(contract_certificate_checks)
            .where(_columns.charge_point_id == charge_point_id)
            .order_by(_columns.id.desc())
            .limit(limit)
        )
        return [_to_domain(row) for row in result.mappings()]


def _to_domain(row: RowMapping) -> Check:
    return Check(
        charge_point_id=row["charge_point_id"],
        action=row["action"],
        id_tag=row["id_tag"],
        serial_number=row["serial_number"],
        status=row["status"],
        reason=row["reason"],
        checked_at=as_utc(row["checked_at"]),
    )
