"""The SQL reservation repository on SQLite and PostgreSQL, and its in-memory twin: the same
calls give the same answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from servicekit.database import create_engine
from servicekit.migrations import upgrade
from tests.support.transaction_factories import a_reservation_request, a_start, a_stop, at
from transaction_svc.adapters.memory import MemoryStore, MemoryUnitOfWork
from transaction_svc.adapters.sql import SqlUnitOfWork
from transaction_svc.adapters.tables import reservations
from transaction_svc.domain.authorization import AuthorizationStatus
from transaction_svc.domain.reservation import ReservationQuery, ReservationStatus
from transaction_svc.domain.transaction import TransactionStatus
from transaction_svc.ports import UnitOfWork

S = ReservationStatus


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    await asyncio.to_thread(upgrade, "transaction", database_url)
    engine = create_engine(database_url, "transaction")
    yield engine
    await engine.dispose()


async def _scenario(unit_of_work: Callable[[], UnitOfWork]) -> list[Any]:
    """Every repository call of the reservations, recording what each answered."""
    seen: list[Any] = []
    async with unit_of_work() as uow:
        first = await uow.reservations.add(a_reservation_request(expires_at=at(10)), at(0))
        second = await uow.reservations.add(
            a_reservation_request(charge_point_id="CP-2", evse_id=0, parent_id_tag=None), at(1)
        )
        third = await uow.reservations.add(a_reservation_request(evse_id=0), at(2))
        fourth = await uow.reservations.add(a_reservation_request(evse_id=2), at(3))
        await uow.commit()
    seen += [first, second, third, fourth]
    async with unit_of_work() as uow:
        for reservation in (first, second, third, fourth):
            answered = reservation.answered("ACCEPTED", at(4))
            seen.append(await uow.reservations.save(answered, expected=S.PENDING))
        # Already ACTIVE: the compare-and-set refuses.
        seen.append(await uow.reservations.save(fourth.failed(at(5)), expected=S.PENDING))
        transaction = await uow.transactions.add(a_start(), AuthorizationStatus.ACCEPTED, at(5))
        seen.append(
            await uow.reservations.save(
                third.answered("ACCEPTED", at(4)).used_by(transaction.id, at(6)),
                expected=S.ACTIVE,
            )
        )
        await uow.commit()
    async with unit_of_work() as uow:
        seen.append(await uow.reservations.get(first.id))
        seen.append(await uow.reservations.get(third.id))
        seen.append(await uow.reservations.get(999))
        seen.append(await uow.reservations.active_on("CP-1", 1))
        seen.append(await uow.reservations.active_on("CP-1", 2))
        seen.append(await uow.reservations.active_on("CP-2", 7))
        for query in (
            ReservationQuery(limit=10),
            ReservationQuery(limit=2),
            ReservationQuery(limit=10, before_id=third.id),
            ReservationQuery(limit=10, charge_point_id="CP-1"),
            ReservationQuery(limit=10, status=S.ACTIVE),
            ReservationQuery(limit=10, status=S.EXPIRED),
            ReservationQuery(limit=10, status=S.USED),
            ReservationQuery(limit=10, status=S.PENDING),
        ):
            seen.append(await uow.reservations.search(query, at(10)))
        seen.append(await uow.transactions.count_by_status())
    return seen


async def test_the_memory_twin_answers_as_sql_does(engine: AsyncEngine) -> None:
    from_sql = await _scenario(lambda: SqlUnitOfWork(engine))
    store = MemoryStore()
    from_memory = await _scenario(lambda: MemoryUnitOfWork(store))
    assert from_sql == from_memory


async def test_round_trip_as_aware_utc(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        added = await uow.reservations.add(a_reservation_request(parent_id_tag=None), at(1))
        await uow.commit()
    assert (added.status, added.station_status, added.parent_id_tag) == (S.PENDING, None, None)
    async with SqlUnitOfWork(engine) as uow:
        found = await uow.reservations.get(added.id)
    assert found == added
    assert found is not None and found.expires_at.tzinfo is not None


async def test_reservation_ids_are_not_reused(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        first = await uow.reservations.add(a_reservation_request(), at(1))
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        await uow.connection.execute(delete(reservations))
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        second = await uow.reservations.add(a_reservation_request(), at(2))
    assert second.id > first.id


async def test_count_by_status(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        assert await uow.transactions.count_by_status() == {}
        ids = [
            (
                await uow.transactions.add(
                    a_start(connector_id=c), AuthorizationStatus.ACCEPTED, at(1)
                )
            ).id
            for c in (1, 2, 3)
        ]
        stopped = await uow.transactions.get(ids[0])
        assert stopped is not None
        await uow.transactions.save(stopped.stopped(a_stop(ids[0]), at(2)))
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        counts = await uow.transactions.count_by_status()
    assert counts == {TransactionStatus.ACTIVE: 2, TransactionStatus.COMPLETED: 1}
