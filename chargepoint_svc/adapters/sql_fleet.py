"""The fleet queries of the SQL charge point repository (issue 14): the filters of
ListChargePoints as WHERE clauses, and the fleet summary in four aggregate queries
whatever the fleet's size.

``lower()`` is SQL's on both databases, and Python's ``str.lower`` in the in-memory twin:
they agree on ASCII, which is what stations report in practice.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from chargepoint_svc.adapters.tables import charge_points, connectors
from chargepoint_svc.domain.charge_point import ConnectorStatus, RegistrationStatus
from chargepoint_svc.domain.fleet import (
    MAX_DISTINCT_VALUES,
    OCPP_VERSIONS,
    WORST_FIRST,
    ChargePointFilter,
    FleetSummary,
)
from servicekit.timestamps import as_utc


def filtered(query: Select[Any], where: ChargePointFilter | None) -> Select[Any]:
    """``query`` over charge_points, narrowed to the charge points ``where`` matches."""
    return query if where is None else query.where(*_conditions(where))


def _conditions(where: ChargePointFilter) -> Iterator[ColumnElement[bool]]:
    table = charge_points.c
    if where.query:
        text = where.query.lower()
        searched = (table.id, table.vendor, table.model, table.serial_number)
        yield or_(*(func.lower(c).contains(text, autoescape=True) for c in searched))
    if where.vendor:
        yield func.lower(table.vendor) == where.vendor.lower()
    if where.model:
        yield func.lower(table.model) == where.model.lower()
    if where.ocpp_version:
        yield table.ocpp_version == where.ocpp_version
    if where.registration_status is not None:
        yield table.registration_status == str(where.registration_status)
    if where.connector_status is not None:
        yield exists().where(
            connectors.c.charge_point_id == table.id,
            connectors.c.status == str(where.connector_status),
        )
    if where.firmware_version:
        yield table.firmware_version == where.firmware_version


async def count(connection: AsyncConnection, where: ChargePointFilter | None) -> int:
    query = filtered(select(func.count()).select_from(charge_points), where)
    return int(await connection.scalar(query) or 0)


async def summary(connection: AsyncConnection) -> FleetSummary:
    registration = {status: 0 for status in RegistrationStatus}
    versions = {version: 0 for version in OCPP_VERSIONS}
    never_booted = 0
    stations = select(
        charge_points.c.registration_status, charge_points.c.ocpp_version, func.count()
    ).group_by(charge_points.c.registration_status, charge_points.c.ocpp_version)
    for status, version, found in await connection.execute(stations):
        registration[RegistrationStatus(status)] += found
        if version in versions:
            versions[version] += found
        elif not version:
            never_booted += found
    by_status = {status: 0 for status in ConnectorStatus}
    last_change = None
    per_status = select(connectors.c.status, func.count(), func.max(connectors.c.status_at))
    for status, found, latest in await connection.execute(per_status.group_by("status")):
        by_status[ConnectorStatus(status)] = found
        last_change = latest if last_change is None else max(last_change, latest)
    total = sum(registration.values())
    return FleetSummary(
        total_stations=total,
        stations_by_registration_status=registration,
        stations_by_ocpp_version=versions,
        stations_never_booted=never_booted,
        stations_by_worst_status=await _worst(connection, total),
        connectors_by_status=by_status,
        last_status_change_at=None if last_change is None else as_utc(last_change),
        vendors=await _top(connection, charge_points.c.vendor),
        models=await _top(connection, charge_points.c.model),
    )


async def _worst(connection: AsyncConnection, total: int) -> dict[ConnectorStatus | None, int]:
    """Stations by the worst status of their connectors: each station's lowest rank in
    :data:`WORST_FIRST`, then the stations per rank."""
    rank = case(
        {str(status): index for index, status in enumerate(WORST_FIRST)},
        value=connectors.c.status,
    )
    worst = select(func.min(rank).label("rank")).group_by(connectors.c.charge_point_id).subquery()
    counts: dict[ConnectorStatus | None, int] = {status: 0 for status in ConnectorStatus}
    query = select(worst.c.rank, func.count()).group_by(worst.c.rank)
    for index, found in await connection.execute(query):
        if index is not None:
            counts[WORST_FIRST[index]] = found
    counts[None] = total - sum(counts.values())
    return counts


async def _top(connection: AsyncConnection, column: Any) -> tuple[tuple[str, int], ...]:
    stations = func.count().label("stations")
    query = (
        select(column, stations)
        .where(column != "")
        .group_by(column)
        .order_by(stations.desc(), column)
        .limit(MAX_DISTINCT_VALUES)
    )
    return tuple((value, found) for value, found in await connection.execute(query))
