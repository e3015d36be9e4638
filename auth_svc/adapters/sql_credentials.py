"""The charge point credential repository over SQLAlchemy Core, on the unit of work's
connection."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from auth_svc.adapters.tables import charge_point_credentials
from auth_svc.domain.credentials import Credentials, SecurityProfile
from servicekit.timestamps import as_utc

_columns = charge_point_credentials.c


class SqlCredentialRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get(self, charge_point_id: str) -> Credentials | None:
        result = await self._connection.execute(
            select(charge_point_credentials).where(_columns.charge_point_id == charge_point_id)
        )
        row = result.mappings().one_or_none()
        return None if row is None else _to_domain(row)

    async def put(self, credentials: Credentials) -> None:
        # An upsert: two first configurations of one charge point never collide on the key.
        dialect = postgresql if self._connection.dialect.name == "postgresql" else sqlite
        values = _to_row(credentials)
        statement = dialect.insert(charge_point_credentials).values(**values)
        del values["charge_point_id"]
        await self._connection.execute(
            statement.on_conflict_do_update(
                index_elements=[_columns.charge_point_id],
                set_={name: statement.excluded[name] for name in values},
            )
        )


def _to_row(credentials: Credentials) -> dict[str, Any]:
    return {
        "charge_point_id": credentials.charge_point_id,
        "security_profile": int(credentials.security_profile),
        "password_hash": credentials.password_hash,
        "pending_password_hash": credentials.pending_password_hash,
        "updated_at": as_utc(credentials.updated_at),
        "pending_security_profile": None
        if credentials.pending_security_profile is None
        else int(credentials.pending_security_profile),
    }


def _to_domain(row: RowMapping) -> Credentials:
    return Credentials(
        charge_point_id=row["charge_point_id"],
        security_profile=SecurityProfile(row["security_profile"]),
        password_hash=row["password_hash"],
        pending_password_hash=row["pending_password_hash"],
        updated_at=as_utc(row["updated_at"]),
        pending_security_profile=None
        if row["pending_security_profile"] is None
        else SecurityProfile(row["pending_security_profile"]),
    )
