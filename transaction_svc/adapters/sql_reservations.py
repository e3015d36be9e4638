"""The reservation repository over SQLAlchemy Core, on the unit of work's connection."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from servicekit.ocpp_vocabulary import DEFAULT_ID_TOKEN_TYPE
from servicekit.timestamps import as_utc
from transaction_svc.adapters.tables import reservations
from transaction_svc.domain.reservation import (
    Reservation,
    ReservationQuery,
    ReservationRequest,
    ReservationStatus,
    StationUpdate,
)

_ACTIVE = ReservationStatus.ACTIVE.name


def _reservation(row: Row[Any]) -> Reservation:
    return Reservation(
        id=row.id,
        charge_point_id=row.charge_point_id,
        evse_id=row.evse_id,
        id_tag=row.id_tag,
        parent_id_tag=row.parent_id_tag,
        expires_at=as_utc(row.expires_at),
        status=ReservationStatus[row.status],
        station_status=row.station_status,
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
        transaction_id=row.transaction_id,
        connector_type=row.connector_type,
        # NULL in rows stored before id token types were (migration 0009): ISO14443.
        id_token_type=row.id_token_type or DEFAULT_ID_TOKEN_TYPE,
        station_update=None if row.station_update is None else StationUpdate(row.station_update),
    )


def _reported_status(status: ReservationStatus, now: datetime) -> ColumnElement[bool]:
    """Rows whose status as reported at ``now`` is ``status`` (``Reservation.as_of`` in SQL):
    an ACTIVE row past its expiry is EXPIRED."""
    c = reservations.c
    if status is ReservationStatus.ACTIVE:
        return and_(c.status == _ACTIVE, c.expires_at > as_utc(now))
    if status is ReservationStatus.EXPIRED:
        return (c.status == status.name) | and_(c.status == _ACTIVE, c.expires_at <= as_utc(now))
    return c.status == status.name


class SqlReservationRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, request: ReservationRequest, now: datetime) -> Reservation:
        if request.expires_at is None:
            raise ValueError("a reservation is stored only once its request was checked")
        result = await self._connection.execute(
            insert(reservations).values(
                charge_point_id=request.charge_point_id,
                evse_id=request.evse_id,
                id_tag=request.id_tag,
                parent_id_tag=request.parent_id_tag,
                connector_type=request.connector_type,
                id_token_type=request.id_token_type or DEFAULT_ID_TOKEN_TYPE,
                expires_at=as_utc(request.expires_at),
                status=ReservationStatus.PENDING.name,
                created_at=as_utc(now),
                updated_at=as_utc(now),
            )
        )
        (reservation_id,) = result.inserted_primary_key or (None,)
        if reservation_id is None:
            raise RuntimeError("the database allocated no id for the new reservation")
        found = await self.get(int(reservation_id))
        if found is None:
            raise RuntimeError(f"reservation {reservation_id} vanished right after its insert")
        return found

    async def get(self, reservation_id: int) -> Reservation | None:
        row = (
            await self._connection.execute(
                select(reservations).where(reservations.c.id == reservation_id)
            )
        ).one_or_none()
        return None if row is None else _reservation(row)

    async def save(self, reservation: Reservation, *, expected: ReservationStatus) -> bool:
        result = await self._connection.execute(
            update(reservations)
            .where(reservations.c.id == reservation.id, reservations.c.status == expected.name)
            .values(
                status=reservation.status.name,
                station_status=reservation.station_status,
                transaction_id=reservation.transaction_id,
                station_update=None
                if reservation.station_update is None
                else reservation.station_update.value,
                updated_at=as_utc(reservation.updated_at),
            )
        )
        return result.rowcount == 1

    async def active_on(self, charge_point_id: str, evse_id: int) -> list[Reservation]:
        rows = await self._connection.execute(
            select(reservations)
            .where(
                reservations.c.charge_point_id == charge_point_id,
                reservations.c.status == _ACTIVE,
                reservations.c.evse_id.in_({0, evse_id}),
            )
            .order_by(reservations.c.id)
        )
        return [_reservation(row) for row in rows]

    async def search(self, query: ReservationQuery, now: datetime) -> list[Reservation]:
        statement = select(reservations).order_by(reservations.c.id.desc()).limit(query.limit)
        if query.before_id is not None:
            statement = statement.where(reservations.c.id < query.before_id)
        if query.charge_point_id is not None:
            statement = statement.where(reservations.c.charge_point_id == query.charge_point_id)
        if query.status is not None:
            statement = statement.where(_reported_status(query.status, now))
        return [_reservation(row) for row in await self._connection.execute(statement)]
