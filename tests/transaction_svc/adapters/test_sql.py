"""The SQL repositories and unit of work, on SQLite and PostgreSQL, over migrated databases."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from servicekit.database import create_engine
from servicekit.migrations import upgrade
from tests.support.transaction_factories import T0, a_report, a_start, a_stop, at, register
from transaction_svc.adapters.memory import MemoryStore, MemoryUnitOfWork
from transaction_svc.adapters.sql import SqlUnitOfWork
from transaction_svc.adapters.tables import transactions
from transaction_svc.domain.authorization import AuthorizationStatus
from transaction_svc.domain.meter_values import (
    MeterValue,
    SampledValue,
    group_meter_values,
    latest_energy_register_wh,
)
from transaction_svc.domain.transaction import StopReason, TransactionQuery, TransactionStatus

ACCEPTED = AuthorizationStatus.ACCEPTED


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    await asyncio.to_thread(upgrade, "transaction", database_url)
    engine = create_engine(database_url, "transaction")
    yield engine
    await engine.dispose()


async def test_add_and_get_round_trip(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        added = await uow.transactions.add(a_start(reservation_id=4), ACCEPTED, at(1))
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        found = await uow.transactions.get(added.id)
    assert found == added
    assert found is not None
    assert found.started_at == T0
    assert found.started_at.tzinfo is not None
    assert found.created_at == at(1)
    assert found.reservation_id == 4
    assert found.status is TransactionStatus.ACTIVE
    assert found.meter_stop_wh is None


async def test_save_round_trips_a_stopped_transaction(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        added = await uow.transactions.add(a_start(), ACCEPTED, at(1))
        stop = a_stop(added.id, reason=StopReason.EV_DISCONNECTED, id_tag="TAG-1")
        stopped = added.stopped(stop, at(61))
        await uow.transactions.save(stopped)
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        assert await uow.transactions.get(added.id, for_update=True) == stopped


async def test_nothing_is_kept_without_a_commit(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        added = await uow.transactions.add(a_start(), ACCEPTED, at(1))
    with pytest.raises(RuntimeError, match="boom"):
        async with SqlUnitOfWork(engine) as uow:
            await uow.transactions.add(a_start(), ACCEPTED, at(1))
            raise RuntimeError("boom")
    async with SqlUnitOfWork(engine) as uow:
        assert await uow.transactions.get(added.id) is None
        assert await uow.transactions.search(TransactionQuery(limit=10)) == []


async def test_ids_are_never_reused(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        first = await uow.transactions.add(a_start(), ACCEPTED, at(1))
        await uow.commit()
    async with engine.begin() as connection:
        await connection.execute(delete(transactions))
    async with SqlUnitOfWork(engine) as uow:
        second = await uow.transactions.add(a_start(), ACCEPTED, at(2))
        await uow.commit()
    assert second.id > first.id


async def test_meter_samples_round_trip_in_time_order(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        added = await uow.transactions.add(a_start(), ACCEPTED, at(1))
        signed = SampledValue(
            1.25,
            measurand="Energy.Active.Import.Register",
            unit="kWh",
            context="Sample.Periodic",
            phase="",
            location="Outlet",
            signed_data="OCMF|{}",
        )
        late = MeterValue(at(20), (signed, SampledValue(230.0, measurand="Voltage", phase="L1")))
        early = register(10, 1100)
        await uow.meter_samples.add(a_report(added.id, late, early).samples())
        await uow.meter_samples.add(a_report(None, register(15, 5)).samples())
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        samples = await uow.meter_samples.of_transaction(added.id)
    assert [s.sampled_at for s in samples] == [at(10), at(20), at(20)]
    assert samples[1].sampled_value == signed
    assert samples[2].sampled_value.phase == "L1"
    assert {s.transaction_id for s in samples} == {added.id}


# Energy register readings and look-alikes that are not, in arrival order: the latest by
# time wins, of equal times the later arrival; a phase, another measurand or a unit that
# is no energy unit disqualify a sample.
REGISTER_CASES = (
    register(10, 1100),
    register(30, 2.5, "kWh", measurand="Energy.Active.Import.Register"),
    register(30, 2600, "Wh"),
    register(40, 9000, "Wh", phase="L1"),
    register(40, 9100, "Wh", measurand="Energy.Active.Export.Register"),
    register(40, 9200, "W"),
    register(20, 2000),
)


@pytest.mark.parametrize("arrivals", [len(REGISTER_CASES), 6, 1, 4])
async def test_latest_energy_register_is_the_one_the_domain_rule_picks(
    engine: AsyncEngine, arrivals: int
) -> None:
    async with SqlUnitOfWork(engine) as uow:
        added = await uow.transactions.add(a_start(), ACCEPTED, at(1))
        other = await uow.transactions.add(a_start(connector_id=2), ACCEPTED, at(1))
        for value in REGISTER_CASES[:arrivals]:
            await uow.meter_samples.add(a_report(added.id, value).samples())
        await uow.meter_samples.add(a_report(other.id, register(50, 7)).samples())
        await uow.commit()
    memory = MemoryStore()
    async with MemoryUnitOfWork(memory) as twin:
        for value in REGISTER_CASES[:arrivals]:
            await twin.meter_samples.add(a_report(added.id, value).samples())
        remembered = await twin.meter_samples.latest_energy_register(added.id)
    async with SqlUnitOfWork(engine) as uow:
        latest = await uow.meter_samples.latest_energy_register(added.id)
        expected = latest_energy_register_wh(
            group_meter_values(await uow.meter_samples.of_transaction(added.id))
        )
        assert await uow.meter_samples.latest_energy_register(added.id + 100) is None
    assert latest is not None
    assert expected is not None
    assert latest.sampled_value.energy_register_wh() == expected
    assert remembered is not None
    assert remembered.sampled_value == latest.sampled_value
    assert remembered.sampled_at == latest.sampled_at


async def test_no_energy_register_reading_is_none(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        added = await uow.transactions.add(a_start(), ACCEPTED, at(1))
        await uow.meter_samples.add(a_report(added.id, *REGISTER_CASES[3:6]).samples())
        await uow.commit()
        assert await uow.meter_samples.latest_energy_register(added.id) is None


async def test_search_filters_and_pages_newest_first(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        ids = [
            (await uow.transactions.add(a_start(charge_point_id=cp), ACCEPTED, at(1))).id
            for cp in ("CP-1", "CP-2", "CP-1", "CP-1")
        ]
        stopped = await uow.transactions.get(ids[2])
        assert stopped is not None
        await uow.transactions.save(stopped.stopped(a_stop(ids[2]), at(2)))
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        search = uow.transactions.search
        assert [t.id for t in await search(TransactionQuery(limit=10))] == ids[::-1]
        assert [t.id for t in await search(TransactionQuery(limit=2))] == [ids[3], ids[2]]
        below = TransactionQuery(limit=10, before_id=ids[2])
        assert [t.id for t in await search(below)] == [ids[1], ids[0]]
        cp1 = TransactionQuery(limit=10, charge_point_id="CP-1")
        assert [t.id for t in await search(cp1)] == [ids[3], ids[2], ids[0]]
        active = replace(cp1, status=TransactionStatus.ACTIVE)
        assert [t.id for t in await search(active)] == [ids[3], ids[0]]


async def test_find_active_and_count_active(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        one = await uow.transactions.add(a_start(connector_id=1), ACCEPTED, at(1))
        two = await uow.transactions.add(a_start(connector_id=2), ACCEPTED, at(1))
        await uow.transactions.add(a_start(connector_id=2, id_tag="OTHER"), ACCEPTED, at(1))
        await uow.transactions.save(one.stopped(a_stop(one.id), at(2)))
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        assert await uow.transactions.count_active("TAG-1") == 1
        assert await uow.transactions.count_active("OTHER") == 1
        assert await uow.transactions.find_active("CP-1", 1) == []
        on_two = await uow.transactions.find_active("CP-1", 2)
        assert [t.id_tag for t in on_two] == ["TAG-1", "OTHER"]
        assert on_two[0] == two


async def test_the_unit_of_work_is_refused_outside_its_block(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(engine)
    with pytest.raises(RuntimeError, match="outside its `async with` block"):
        _ = uow.transactions


async def test_save_changes_only_an_active_transaction(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        added = await uow.transactions.add(a_start(), ACCEPTED, at(1))
        first = added.stopped(a_stop(added.id, meter_stop_wh=3000.0), at(2))
        assert await uow.transactions.save(first)
        # A concurrent duplicate stop, computed from the stale ACTIVE row, changes nothing.
        assert not await uow.transactions.save(added.stopped(a_stop(added.id), at(3)))
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        assert await uow.transactions.get(added.id) == first
