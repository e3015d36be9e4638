"""Each per-station bound as the SQL repositories apply it (servicekit.row_bounds),
on SQLite and on PostgreSQL: the oldest rows of a charge point beyond its bound go, in
batches, and a charge point within its bound keeps everything."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from chargepoint_svc.adapters.sql import SqlUnitOfWork
from chargepoint_svc.domain.charge_point import (
    ChargePoint,
    ChargePointId,
    Connector,
    ConnectorStatus,
    RegistrationStatus,
)
from chargepoint_svc.domain.device_model import ReportedVariable
from chargepoint_svc.domain.journal import Direction, JournalEntry, JournalQuery, MessageType
from chargepoint_svc.domain.monitors import Monitor, MonitorQuery
from chargepoint_svc.domain.station_events import SecurityEvent, StationEvent
from servicekit import migrations
from servicekit.database import create_engine

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
CP1 = ChargePointId("CP1")
CP2 = ChargePointId("CP2")


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    await asyncio.to_thread(migrations.upgrade, "chargepoint", database_url)
    created = create_engine(database_url, "chargepoint")
    async with SqlUnitOfWork(created) as uow:
        for cp_id in (CP1, CP2):
            await uow.charge_points.add(ChargePoint.register(cp_id, RegistrationStatus.PENDING, T0))
        await uow.commit()
    yield created
    await created.dispose()


def _entry(cp_id: ChargePointId, index: int, size: int) -> JournalEntry:
    return JournalEntry(
        charge_point_id=cp_id,
        at=T0 + timedelta(seconds=index),
        direction=Direction.IN,
        message_type=MessageType.CALL,
        message_id=str(index),
        action="DataTransfer",
        payload="p" * size,
        truncated=False,
        ocpp_version="1.6",
    )


async def test_the_journal_keeps_each_stations_newest_entries_within_its_bytes(
    engine: AsyncEngine,
) -> None:
    async with SqlUnitOfWork(engine) as uow:
        await uow.journal.add([_entry(CP1, n, 900) for n in range(10)])
        await uow.journal.add([_entry(CP2, n, 900) for n in range(3)])
        await uow.commit()
    # Each entry weighs 900 + 100: 3,500 keeps the newest three of CP1, all three of CP2.
    async with SqlUnitOfWork(engine) as uow:
        assert await uow.journal.delete_beyond(3500, 100, 4) == 4
        assert await uow.journal.delete_beyond(3500, 100, 4) == 3
        assert await uow.journal.delete_beyond(3500, 100, 4) == 0
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        kept = await uow.journal.page(JournalQuery(CP1, None, None, frozenset(), None, 100))
        other = await uow.journal.page(JournalQuery(CP2, None, None, frozenset(), None, 100))
    assert [e.message_id for e in kept] == ["9", "8", "7"]
    assert len(other) == 3


async def test_events_keep_each_stations_newest(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        for n in range(5):
            await uow.security_events.add(SecurityEvent(CP1, f"T{n}", T0, T0))
            await uow.station_events.add([StationEvent(CP1, n, T0, "Delta", "C", "V", T0)])
        await uow.security_events.add(SecurityEvent(CP2, "Other", T0, T0))
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        assert await uow.security_events.delete_beyond(2, 100) == 3
        assert await uow.station_events.delete_beyond(2, 2) == 2
        assert await uow.station_events.delete_beyond(2, 2) == 1
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        security = await uow.security_events.page(CP1, None, 10)
        station = await uow.station_events.page(CP1, None, 10)
        assert len(await uow.security_events.page(CP2, None, 10)) == 1
    assert [e.type for e in security] == ["T4", "T3"]
    assert [e.event_id for e in station] == [4, 3]


async def test_the_device_model_keeps_the_most_recently_reported(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        await uow.device_models.save(CP1, [ReportedVariable("Old", f"V{n}") for n in range(3)], T0)
        await uow.device_models.save(
            CP1, [ReportedVariable("New", "A"), ReportedVariable("New", "B")], T0 + timedelta(1)
        )
        await uow.device_models.save(CP2, [ReportedVariable("Old", "V0")], T0)
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        assert await uow.device_models.delete_beyond(2, 100) == 3
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        kept = await uow.device_models.variables(CP1)
        assert len(await uow.device_models.variables(CP2)) == 1
    assert [(v.component, v.variable) for v in kept] == [("New", "A"), ("New", "B")]


async def test_connectors_keep_the_most_recently_updated(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        for n in range(4):
            at = T0 + timedelta(seconds=n)
            await uow.charge_points.save_connector(
                CP1, Connector(1, n, ConnectorStatus.AVAILABLE, at, at)
            )
        await uow.charge_points.save_connector(
            CP2, Connector(1, 1, ConnectorStatus.AVAILABLE, T0, T0)
        )
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        assert await uow.charge_points.delete_connectors_beyond(2, 100) == 2
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        kept = await uow.charge_points.get(CP1)
        other = await uow.charge_points.get(CP2)
    assert kept is not None and other is not None
    assert [c.connector_id for c in kept.connectors] == [2, 3]
    assert len(other.connectors) == 1


async def test_monitors_keep_the_most_recently_updated(engine: AsyncEngine) -> None:
    def monitor(cp_id: ChargePointId, monitor_id: int, seconds: int) -> Monitor:
        at = T0 + timedelta(seconds=seconds)
        return Monitor(cp_id, monitor_id, "EVSE", "Power", "Delta", 1.0, 5, at)

    async with SqlUnitOfWork(engine) as uow:
        await uow.monitors.save([monitor(CP1, n, 10 - n) for n in range(4)])
        await uow.monitors.save([monitor(CP2, 0, 0)])
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        assert await uow.monitors.delete_beyond(2, 1) == 1
        assert await uow.monitors.delete_beyond(2, 100) == 1
        assert await uow.monitors.delete_beyond(2, 100) == 0
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        kept = await uow.monitors.page(MonitorQuery(CP1, 10))
        assert len(await uow.monitors.page(MonitorQuery(CP2, 10))) == 1
    assert [m.id for m in kept] == [0, 1]
