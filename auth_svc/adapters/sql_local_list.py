"""The local list repositories over SQLAlchemy Core, on the unit of work's connection."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from auth_svc.adapters.tables import (
    id_tags,
    local_list_entries,
    local_list_state,
    local_list_versions,
)
from auth_svc.domain.id_tag import AuthorizationStatus, IdTag
from auth_svc.domain.local_list import ListEntry, Member
from servicekit.timestamps import as_utc

_STATE_ROW = 1
_entries = local_list_entries.c


def _member(row: RowMapping) -> Member:
    expires_at: datetime | None = row["expires_at"]
    return Member(
        entry=ListEntry(
            id_tag=row["id_tag"],
            added_version=row["added_version"],
            changed_version=row["changed_version"],
            removed_version=row["removed_version"],
        ),
        tag=IdTag(
            id_tag=row["id_tag"],
            status=AuthorizationStatus[row["status"]],
            expires_at=None if expires_at is None else as_utc(expires_at),
            parent_id_tag=row["parent_id_tag"],
            created_at=as_utc(row["created_at"]),
            updated_at=as_utc(row["updated_at"]),
            id_token_type=row["id_token_type"],
        ),
    )


def _members_query() -> Select[Any]:
    return (
        select(
            _entries.added_version,
            _entries.changed_version,
            _entries.removed_version,
            id_tags,
        )
        .join(id_tags, id_tags.c.id_tag == _entries.id_tag)
        .order_by(_entries.id_tag)
    )


class SqlLocalListRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def version(self) -> int:
        version = await self._connection.scalar(
            select(local_list_state.c.version).where(local_list_state.c.id == _STATE_ROW)
        )
        return int(version or 0)

    async def next_version(self) -> int:
        result = await self._connection.execute(
            update(local_list_state)
            .where(local_list_state.c.id == _STATE_ROW)
            .values(version=local_list_state.c.version + 1)
        )
        if result.rowcount == 0:
            # The migration creates the row; a database built otherwise starts here.
            await self._connection.execute(
                insert(local_list_state).values(id=_STATE_ROW, version=1)
            )
        return await self.version()

    async def get(self, id_tag: str) -> ListEntry | None:
        row = (
            (
                await self._connection.execute(
                    select(local_list_entries).where(_entries.id_tag == id_tag)
                )
            )
            .mappings()
            .one_or_none()
        )
        if row is None:
            return None
        return ListEntry(
            row["id_tag"], row["added_version"], row["changed_version"], row["removed_version"]
        )

    async def put(self, entry: ListEntry) -> None:
        values = {
            "added_version": entry.added_version,
            "changed_version": entry.changed_version,
            "removed_version": entry.removed_version,
        }
        result = await self._connection.execute(
            update(local_list_entries).where(_entries.id_tag == entry.id_tag).values(**values)
        )
        if result.rowcount == 0:
            await self._connection.execute(
                insert(local_list_entries).values(id_tag=entry.id_tag, **values)
            )

    async def members(self) -> list[Member]:
        rows = await self._connection.execute(
            _members_query().where(_entries.removed_version.is_(None))
        )
        return [_member(row) for row in rows.mappings()]

    async def changed_after(self, version: int) -> list[Member]:
        rows = await self._connection.execute(
            _members_query().where(_entries.changed_version > version)
        )
        return [_member(row) for row in rows.mappings()]


class SqlStationListRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def accepted_version(self, charge_point_id: str) -> int | None:
        version = await self._connection.scalar(
            select(local_list_versions.c.version).where(
                local_list_versions.c.charge_point_id == charge_point_id
            )
        )
        return None if version is None else int(version)

    async def record(self, charge_point_id: str, version: int, accepted_at: datetime) -> None:
        # An upsert, so that two answers from the same station never collide on the key.
        dialect = postgresql if self._connection.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(local_list_versions).values(
            charge_point_id=charge_point_id, version=version, accepted_at=as_utc(accepted_at)
        )
        await self._connection.execute(
            statement.on_conflict_do_update(
                index_elements=[local_list_versions.c.charge_point_id],
                set_={
                    "version": statement.excluded.version,
                    "accepted_at": statement.excluded.accepted_at,
                },
            )
        )
