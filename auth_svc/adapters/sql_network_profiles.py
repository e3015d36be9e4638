"""The network profile repository over SQLAlchemy Core, on the unit of work's connection."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from auth_svc.adapters.tables import network_profiles
from auth_svc.domain.credentials import SecurityProfile
from auth_svc.domain.network_profiles import NetworkProfile, ProfileStatus
from servicekit.timestamps import as_utc

_columns = network_profiles.c


class SqlNetworkProfileRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def put(self, profile: NetworkProfile) -> None:
        dialect = postgresql if self._connection.dialect.name == "postgresql" else sqlite
        values = _to_row(profile)
        statement = dialect.insert(network_profiles).values(**values)
        key = ("charge_point_id", "configuration_slot")
        await self._connection.execute(
            statement.on_conflict_do_update(
                index_elements=[_columns.charge_point_id, _columns.configuration_slot],
                set_={name: statement.excluded[name] for name in values if name not in key},
            )
        )

    async def list(self, charge_point_id: str) -> list[NetworkProfile]:
        result = await self._connection.execute(
            select(network_profiles)
            .where(_columns.charge_point_id == charge_point_id)
            .order_by(_columns.configuration_slot)
        )
        return [_to_domain(row) for row in result.mappings()]


def _to_row(profile: NetworkProfile) -> dict[str, Any]:
    return {
        "charge_point_id": profile.charge_point_id,
        "configuration_slot": profile.configuration_slot,
        "security_profile": int(profile.security_profile),
        "connection": json.dumps(dict(profile.connection), sort_keys=True),
        "status": profile.status.value,
        "offered_at": as_utc(profile.offered_at),
    }


def _to_domain(row: RowMapping) -> NetworkProfile:
    return NetworkProfile(
        charge_point_id=row["charge_point_id"],
        configuration_slot=row["configuration_slot"],
        security_profile=SecurityProfile(row["security_profile"]),
        connection=json.loads(row["connection"]),
        status=ProfileStatus(row["status"]),
        offered_at=as_utc(row["offered_at"]),
    )
