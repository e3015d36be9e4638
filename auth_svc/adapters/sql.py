"""The id tag repository and unit of work over an async SQLAlchemy engine (Core)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from auth_svc.adapters.sql_contract_checks import SqlContractCheckRepository
from auth_svc.adapters.sql_credentials import SqlCredentialRepository
from auth_svc.adapters.sql_local_list import SqlLocalListRepository, SqlStationListRepository
from auth_svc.adapters.sql_network_profiles import SqlNetworkProfileRepository
from auth_svc.adapters.tables import id_tags
from auth_svc.domain.id_tag import AuthorizationStatus, IdTag
from auth_svc.errors import DuplicateIdTag
from servicekit import unit_of_work
from servicekit.timestamps import as_utc


class SqlIdTagRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get(self, id_tag: str) -> IdTag | None:
        result = await self._connection.execute(select(id_tags).where(id_tags.c.id_tag == id_tag))
        row = result.mappings().one_or_none()
        return None if row is None else _to_domain(row)

    async def add(self, tag: IdTag) -> None:
        try:
            await self._connection.execute(insert(id_tags).values(**_to_row(tag)))
        except IntegrityError:
            # The primary key is the only constraint, so this is a duplicate, possibly one
            # created concurrently by another request.
            raise DuplicateIdTag(tag.id_tag) from None

    async def replace(self, tag: IdTag) -> None:
        values = _to_row(tag)
        del values["id_tag"]
        await self._connection.execute(
            update(id_tags).where(id_tags.c.id_tag == tag.id_tag).values(**values)
        )

    async def list_after(self, after: str | None, limit: int) -> list[IdTag]:
        query = select(id_tags).order_by(id_tags.c.id_tag).limit(limit)
        if after is not None:
            query = query.where(id_tags.c.id_tag > after)
        result = await self._connection.execute(query)
        return [_to_domain(row) for row in result.mappings()]


class SqlUnitOfWork(unit_of_work.SqlUnitOfWork):
    """One connection and one database transaction per ``async with`` block."""

    @property
    def id_tags(self) -> SqlIdTagRepository:
        return SqlIdTagRepository(self.connection)

    @property
    def local_list(self) -> SqlLocalListRepository:
        return SqlLocalListRepository(self.connection)

    @property
    def station_lists(self) -> SqlStationListRepository:
        return SqlStationListRepository(self.connection)

    @property
    def credentials(self) -> SqlCredentialRepository:
        return SqlCredentialRepository(self.connection)

    @property
    def network_profiles(self) -> SqlNetworkProfileRepository:
        return SqlNetworkProfileRepository(self.connection)

    @property
    def contract_checks(self) -> SqlContractCheckRepository:
        return SqlContractCheckRepository(self.connection)


def _to_row(tag: IdTag) -> dict[str, Any]:
    # Always UTC: SQLite keeps the wall time and drops the offset.
    return {
        "id_tag": tag.id_tag,
        "status": tag.status.name,
        "expires_at": None if tag.expires_at is None else as_utc(tag.expires_at),
        "parent_id_tag": tag.parent_id_tag,
        "id_token_type": tag.id_token_type,
        "created_at": as_utc(tag.created_at),
        "updated_at": as_utc(tag.updated_at),
    }


def _to_domain(row: RowMapping) -> IdTag:
    expires_at: datetime | None = row["expires_at"]
    return IdTag(
        id_tag=row["id_tag"],
        status=AuthorizationStatus[row["status"]],
        expires_at=None if expires_at is None else as_utc(expires_at),
        parent_id_tag=row["parent_id_tag"],
        created_at=as_utc(row["created_at"]),
        updated_at=as_utc(row["updated_at"]),
        id_token_type=row["id_token_type"],
    )
