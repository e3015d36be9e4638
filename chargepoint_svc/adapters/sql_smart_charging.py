"""The SQL repository of smart charging as stations report it
(:mod:`chargepoint_svc.domain.smart_charging`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from chargepoint_svc.adapters.sql_reports import dialect_insert
from chargepoint_svc.adapters.tables import (
    charging_limits,
    charging_profile_library,
    ev_charging_needs,
    station_charging_profiles,
    station_site_limits,
)
from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.smart_charging import (
    ChargingLimit,
    HeldProfile,
    LibraryProfile,
    NeedsRecord,
)
from servicekit.timestamps import as_utc

_PROFILE_KEY = ("charge_point_id", "evse_id", "profile_id")
_LIMIT_KEY = ("charge_point_id", "evse_id", "source")
_NEEDS_KEY = ("charge_point_id", "evse_id")


class SqlSmartChargingRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def save_profiles(self, profiles: Sequence[HeldProfile]) -> None:
        if profiles:
            await self._upsert(station_charging_profiles, _PROFILE_KEY, profiles)

    async def profiles(self, charge_point_id: ChargePointId) -> list[HeldProfile]:
        table = station_charging_profiles
        query = (
            select(table)
            .where(table.c.charge_point_id == charge_point_id)
            .order_by(table.c.evse_id, table.c.profile_id)
        )
        return [
            HeldProfile(**(row._asdict() | {"reported_at": as_utc(row.reported_at)}))
            for row in await self._connection.execute(query)
        ]

    async def delete_profiles(self, charge_point_id: ChargePointId, profile_id: int) -> None:
        table = station_charging_profiles
        await self._connection.execute(
            delete(table).where(
                table.c.charge_point_id == charge_point_id, table.c.profile_id == profile_id
            )
        )

    async def save_limit(self, limit: ChargingLimit) -> None:
        await self._upsert(charging_limits, _LIMIT_KEY, [limit])

    async def clear_limits(
        self, charge_point_id: ChargePointId, source: str, evse_id: int | None
    ) -> None:
        table = charging_limits
        statement = delete(table).where(
            table.c.charge_point_id == charge_point_id, table.c.source == source
        )
        if evse_id is not None:
            statement = statement.where(table.c.evse_id == evse_id)
        await self._connection.execute(statement)

    async def limits(self, charge_point_id: ChargePointId) -> list[ChargingLimit]:
        table = charging_limits
        query = (
            select(table)
            .where(table.c.charge_point_id == charge_point_id)
            .order_by(table.c.evse_id, table.c.source)
        )
        return [
            ChargingLimit(**(row._asdict() | {"reported_at": as_utc(row.reported_at)}))
            for row in await self._connection.execute(query)
        ]

    async def save_needs(self, needs: NeedsRecord) -> None:
        await self._upsert(ev_charging_needs, _NEEDS_KEY, [needs])

    async def needs(self, charge_point_id: ChargePointId) -> list[NeedsRecord]:
        table = ev_charging_needs
        query = (
            select(table)
            .where(table.c.charge_point_id == charge_point_id)
            .order_by(table.c.evse_id)
        )
        return [
            NeedsRecord(
                **(
                    row._asdict()
                    | {
                        "reported_at": as_utc(row.reported_at),
                        "departure": None if row.departure is None else as_utc(row.departure),
                    }
                )
            )
            for row in await self._connection.execute(query)
        ]

    async def add_library_profile(self, profile: LibraryProfile) -> bool:
        statement = dialect_insert(self._connection, charging_profile_library)
        statement = statement.on_conflict_do_nothing(
            index_elements=[charging_profile_library.c.name]
        )
        result = await self._connection.execute(statement, [dataclasses.asdict(profile)])
        return bool(result.rowcount)

    async def library_profile(self, name: str) -> LibraryProfile | None:
        table = charging_profile_library
        row = (await self._connection.execute(select(table).where(table.c.name == name))).first()
        return None if row is None else _library(row)

    async def library_page(self, after: str | None, limit: int) -> list[LibraryProfile]:
        table = charging_profile_library
        query = select(table).order_by(table.c.name).limit(limit)
        if after is not None:
            query = query.where(table.c.name > after)
        return [_library(row) for row in await self._connection.execute(query)]

    async def delete_library_profile(self, name: str) -> bool:
        table = charging_profile_library
        result = await self._connection.execute(delete(table).where(table.c.name == name))
        return bool(result.rowcount)

    async def set_site_limit(
        self, charge_point_id: ChargePointId, max_power_w: float | None
    ) -> None:
        table = station_site_limits
        await self._connection.execute(
            delete(table).where(table.c.charge_point_id == charge_point_id)
        )
        if max_power_w is not None:
            await self._connection.execute(
                table.insert().values(charge_point_id=charge_point_id, max_power_w=max_power_w)
            )

    async def site_limit(self, charge_point_id: ChargePointId) -> float | None:
        table = station_site_limits
        query = select(table.c.max_power_w).where(table.c.charge_point_id == charge_point_id)
        found = (await self._connection.execute(query)).scalar_one_or_none()
        return None if found is None else float(found)

    async def _upsert(self, table: Table, key: Sequence[str], records: Sequence[Any]) -> None:
        rows = [dataclasses.asdict(record) for record in records]
        statement = dialect_insert(self._connection, table)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c[name] for name in key],
            set_={name: statement.excluded[name] for name in rows[0] if name not in key},
        )
        await self._connection.execute(statement, rows)


def _library(row: Any) -> LibraryProfile:
    return LibraryProfile(
        name=row.name,
        profile_id=row.profile_id,
        document=row.document,
        created_at=as_utc(row.created_at),
    )
