"""The SQL adapters for OCPP 2.x transactions and their events, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from servicekit.database import create_engine
from servicekit.migrations import upgrade
from tests.support.transaction_factories import a_start, an_event, at
from transaction_svc.adapters.sql import SqlUnitOfWork
from transaction_svc.domain.authorization import Authorization, AuthorizationStatus

ACCEPTED = AuthorizationStatus.ACCEPTED


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    await asyncio.to_thread(upgrade, "transaction", database_url)
    engine = create_engine(database_url, "transaction")
    yield engine
    await engine.dispose()


async def test_a_2x_transaction_round_trips(engine: AsyncEngine) -> None:
    start = an_event(charging_state="EVConnected").start()
    async with SqlUnitOfWork(engine) as uow:
        added = await uow.transactions.add(start, None, at(1))
        classic = await uow.transactions.add(a_start(), ACCEPTED, at(1))
        await uow.commit()
    assert (added.station_transaction_id, added.charging_state) == ("ST-1", "EVConnected")
    assert (added.id_tag, added.authorization_status) == ("", None)
    assert (classic.station_transaction_id, classic.charging_state) == (None, None)
    async with SqlUnitOfWork(engine) as uow:
        found = await uow.transactions.find_by_station_id("CP-1", "ST-1", for_update=True)
        assert found == added
        assert await uow.transactions.find_by_station_id("CP-2", "ST-1") is None
        changed = replace(
            added,
            id_tag="TAG-1",
            authorization_status=ACCEPTED,
            charging_state="Charging",
            energy_wh=12.5,
            updated_at=at(2),
        )
        assert await uow.transactions.save(changed)
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        assert await uow.transactions.get(added.id) == changed


async def test_a_station_transaction_id_is_unique_per_charge_point(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        await uow.transactions.add(an_event().start(), None, at(1))
        await uow.transactions.add(an_event(charge_point_id="CP-2").start(), None, at(1))
        # 1.6 transactions have none, and many of them coexist.
        await uow.transactions.add(a_start(), ACCEPTED, at(1))
        await uow.transactions.add(a_start(), ACCEPTED, at(1))
        await uow.commit()
    with pytest.raises(IntegrityError):
        async with SqlUnitOfWork(engine) as uow:
            await uow.transactions.add(an_event().start(), None, at(2))


async def test_events_are_recorded_once_per_identity(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        transaction = await uow.transactions.add(an_event().start(), None, at(1))
        started = an_event(id_tag="TAG-1", charging_state="EVConnected", offline=True).recorded(
            transaction.id, Authorization(ACCEPTED)
        )
        updated = an_event("UPDATED", 1).recorded(transaction.id, None)
        # seqNo 0 again, another event (a station that numbers every event 0).
        ended = an_event("ENDED", 0, timestamp=at(5)).recorded(transaction.id, None)
        await uow.transaction_events.add(updated)
        await uow.transaction_events.add(started)
        await uow.transaction_events.add(ended)
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        assert await uow.transaction_events.find(transaction.id, started.identity) == started
        assert await uow.transaction_events.find(transaction.id, ended.identity) == ended
        other = an_event("UPDATED", 0, timestamp=at(5)).identity
        assert await uow.transaction_events.find(transaction.id, other) is None
        assert (
            await uow.transaction_events.find(transaction.id, an_event(seq_no=2).identity) is None
        )
        assert await uow.transaction_events.of_transaction(transaction.id) == [
            started,
            ended,
            updated,
        ]
    with pytest.raises(IntegrityError):
        async with SqlUnitOfWork(engine) as uow:
            await uow.transaction_events.add(updated)
