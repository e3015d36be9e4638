"""The SQL repositories and unit of work, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from chargepoint_svc.adapters.sql import SqlUnitOfWork
from chargepoint_svc.domain.charge_point import (
    BootData,
    ChargePoint,
    ChargePointId,
    Connector,
    ConnectorStatus,
    RegistrationStatus,
)
from servicekit import migrations
from servicekit.database import create_engine
from tests.support.lock_waits import someone_waits

T0 = datetime(2025, 3, 1, 12, 0, 0, 123000, tzinfo=UTC)
CP1 = ChargePointId("CP1")


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    await asyncio.to_thread(migrations.upgrade, "chargepoint", database_url)
    created = create_engine(database_url, "chargepoint")
    yield created
    await created.dispose()


def _registered(cp_id: str = "CP1") -> ChargePoint:
    return ChargePoint.register(ChargePointId(cp_id), RegistrationStatus.ACCEPTED, T0)


async def _add(engine: AsyncEngine, *charge_points: ChargePoint) -> None:
    async with SqlUnitOfWork(engine) as uow:
        for charge_point in charge_points:
            assert await uow.charge_points.add(charge_point)
        await uow.commit()


async def test_a_charge_point_reads_back_as_stored(engine: AsyncEngine) -> None:
    later = T0 + timedelta(hours=1)
    full = dataclasses.replace(
        _registered(),
        registration_status=RegistrationStatus.PENDING,
        boot=BootData("2.0.1", "Acme", "W1", "SN", "1.0", "8931", "2620", "AC", "M1"),
        last_boot_at=later,
        last_seen_at=later,
        firmware_status="Installed",
        diagnostics_status="Uploaded",
        updated_at=later,
    )
    await _add(engine, full)
    async with SqlUnitOfWork(engine) as uow:
        assert await uow.charge_points.get(CP1) == full
        assert await uow.charge_points.get(ChargePointId("CP2")) is None
        assert await uow.charge_points.lock(ChargePointId("CP2")) is None


async def test_add_says_false_for_a_taken_id(engine: AsyncEngine) -> None:
    await _add(engine, _registered())
    async with SqlUnitOfWork(engine) as uow:
        other = dataclasses.replace(_registered(), registration_status=RegistrationStatus.REJECTED)
        assert not await uow.charge_points.add(other)
        await uow.commit()
        stored = await uow.charge_points.get(CP1)
    assert stored is not None
    assert stored.registration_status is RegistrationStatus.ACCEPTED


async def test_update_keeps_created_at(engine: AsyncEngine) -> None:
    await _add(engine, _registered())
    later = T0 + timedelta(minutes=3)
    async with SqlUnitOfWork(engine) as uow:
        changed = dataclasses.replace(_registered(), created_at=later).with_firmware_status(
            "Downloading", later
        )
        await uow.charge_points.update(changed)
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        stored = await uow.charge_points.get(CP1)
    assert stored is not None
    assert (stored.firmware_status, stored.last_seen_at, stored.created_at) == (
        "Downloading",
        later,
        T0,
    )


async def test_connectors_are_upserted_and_read_in_order(engine: AsyncEngine) -> None:
    await _add(engine, _registered(), _registered("CP2"))
    first = Connector(2, 1, ConnectorStatus.CHARGING, T0, T0, "NoError", "i", "v", "e")
    async with SqlUnitOfWork(engine) as uow:
        await uow.charge_points.save_connector(CP1, first)
        await uow.charge_points.save_connector(
            CP1, Connector(1, 1, ConnectorStatus.AVAILABLE, T0, T0)
        )
        await uow.charge_points.save_connector(
            CP1, Connector(0, 0, ConnectorStatus.AVAILABLE, T0, T0)
        )
        replaced = dataclasses.replace(first, status=ConnectorStatus.FAULTED, info="")
        await uow.charge_points.save_connector(CP1, replaced)
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        stored = await uow.charge_points.get(CP1)
        other = await uow.charge_points.get(ChargePointId("CP2"))
    assert stored is not None
    assert other is not None
    assert [(c.evse_id, c.connector_id) for c in stored.connectors] == [(0, 0), (1, 1), (2, 1)]
    assert stored.connector(2, 1) == replaced
    assert other.connectors == ()


async def test_one_connector_is_read_by_its_key(engine: AsyncEngine) -> None:
    await _add(engine, _registered(), _registered("CP2"))
    stored = Connector(2, 1, ConnectorStatus.CHARGING, T0, T0, "NoError", "i", "v", "e")
    async with SqlUnitOfWork(engine) as uow:
        await uow.charge_points.save_connector(CP1, stored)
        await uow.charge_points.save_connector(
            ChargePointId("CP2"), Connector(2, 2, ConnectorStatus.FAULTED, T0, T0)
        )
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        assert await uow.charge_points.connector(CP1, 2, 1) == stored
        assert await uow.charge_points.connector(CP1, 2, 2) is None
        assert await uow.charge_points.connector(CP1, 1, 1) is None
        assert await uow.charge_points.connector(ChargePointId("CP3"), 2, 1) is None


async def test_mark_seen_sets_only_the_seen_times_of_a_stored_charge_point(
    engine: AsyncEngine,
) -> None:
    pending = dataclasses.replace(_registered(), registration_status=RegistrationStatus.PENDING)
    await _add(engine, pending, _registered("CP2"))
    later = T0 + timedelta(minutes=5)
    async with SqlUnitOfWork(engine) as uow:
        assert await uow.charge_points.mark_seen(CP1, later)
        assert not await uow.charge_points.mark_seen(ChargePointId("CP3"), later)
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        assert await uow.charge_points.get(CP1) == pending.seen(later)
        assert await uow.charge_points.get(ChargePointId("CP2")) == _registered("CP2")
        assert await uow.charge_points.get(ChargePointId("CP3")) is None


async def test_mark_seen_holds_the_charge_point_like_lock(engine: AsyncEngine) -> None:
    await _add(engine, _registered())
    async with SqlUnitOfWork(engine) as first:
        assert await first.charge_points.mark_seen(CP1, T0 + timedelta(minutes=1))

        async def second_lock() -> ChargePoint | None:
            async with SqlUnitOfWork(engine) as second:
                return await second.charge_points.lock(CP1)

        second = asyncio.create_task(second_lock())
        await someone_waits(engine)  # the second lock would read the old row now if not held
        locked = await first.charge_points.get(CP1)
        assert locked is not None
        await first.charge_points.update(locked.with_firmware_status("Installed", T0))
        await first.commit()
    seen = await second
    assert seen is not None
    assert seen.firmware_status == "Installed"


async def test_page_is_ordered_by_id_after_a_key(engine: AsyncEngine) -> None:
    await _add(engine, *(_registered(name) for name in ["b", "C", "a", "A"]))
    async with SqlUnitOfWork(engine) as uow:
        await uow.charge_points.save_connector(
            ChargePointId("a"), Connector(1, 1, ConnectorStatus.AVAILABLE, T0, T0)
        )
        await uow.commit()
        everything = await uow.charge_points.page(None, 10)
        after = await uow.charge_points.page("C", 2)
    assert [cp.id for cp in everything] == ["A", "C", "a", "b"]
    assert [cp.id for cp in after] == ["a", "b"]
    assert len(after[0].connectors) == 1


async def test_leaving_without_commit_rolls_back(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        await uow.charge_points.add(_registered())
    with pytest.raises(RuntimeError, match="boom"):
        async with SqlUnitOfWork(engine) as uow:
            await uow.charge_points.add(_registered())
            raise RuntimeError("boom")
    async with SqlUnitOfWork(engine) as uow:
        await uow.charge_points.add(_registered())
        await uow.rollback()
        assert await uow.charge_points.page(None, 10) == []


async def test_concurrent_adds_of_one_id_do_not_fail(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as first:
        assert await first.charge_points.add(_registered())

        async def second_add() -> bool:
            async with SqlUnitOfWork(engine) as second:
                added = await second.charge_points.add(_registered())
                await second.commit()
                return added

        second = asyncio.create_task(second_add())
        await someone_waits(engine)  # the second insert waits for the first one
        await first.commit()
    assert await second is False


async def test_lock_makes_a_second_writer_read_the_first_ones_change(engine: AsyncEngine) -> None:
    await _add(engine, _registered())
    async with SqlUnitOfWork(engine) as first:
        locked = await first.charge_points.lock(CP1)
        assert locked is not None

        async def second_lock() -> ChargePoint | None:
            async with SqlUnitOfWork(engine) as second:
                return await second.charge_points.lock(CP1)

        second = asyncio.create_task(second_lock())
        await someone_waits(engine)  # the second lock would read the old row now if not held
        await first.charge_points.update(locked.with_firmware_status("Installed", T0))
        await first.commit()
    seen = await second
    assert seen is not None
    assert seen.firmware_status == "Installed"
