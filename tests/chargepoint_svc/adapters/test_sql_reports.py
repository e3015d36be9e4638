"""The SQL repositories of reports and events, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from chargepoint_svc.adapters.sql import SqlUnitOfWork
from chargepoint_svc.domain.charge_point import ChargePoint, ChargePointId, RegistrationStatus
from chargepoint_svc.domain.device_model import ReportedVariable
from chargepoint_svc.domain.station_events import SecurityEvent, StationEvent
from servicekit import migrations
from servicekit.database import create_engine

T0 = datetime(2025, 3, 1, 12, 0, 0, 123000, tzinfo=UTC)
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


async def test_base_report_state_reads_back(engine: AsyncEngine) -> None:
    later = T0 + timedelta(minutes=5)
    async with SqlUnitOfWork(engine) as uow:
        stored = await uow.charge_points.get(CP1)
        assert stored is not None
        assert (stored.base_report_owed, stored.base_report_at, stored.reported_at) == (
            False,
            None,
            None,
        )
        await uow.charge_points.update(stored.owing_base_report())
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        owing = await uow.charge_points.get(CP1)
        assert owing is not None and owing.base_report_owed
        done = owing.report_completed(later, admit=True)
        await uow.charge_points.update(done)
        await uow.commit()
        assert await uow.charge_points.get(CP1) == done


async def test_variables_upsert_in_place_and_read_back_in_key_order(engine: AsyncEngine) -> None:
    full = ReportedVariable(
        "EVSE",
        "Power",
        component_instance="main",
        evse_id=1,
        connector_id=1,
        variable_instance="L1",
        attribute_type="Target",
        value="x" * 2500,
        mutability="ReadWrite",
        data_type="decimal",
        unit="W",
        values_list="a," * 499 + "b",
    )
    others = [
        ReportedVariable("evse", "power"),  # lower case after upper case, whatever the collation
        ReportedVariable("Clock", "TimeSource", value="NTP"),
    ]
    async with SqlUnitOfWork(engine) as uow:
        await uow.device_models.save(CP1, [full, *others], T0)
        await uow.device_models.save(CP2, [ReportedVariable("Other", "Thing")], T0)
        await uow.device_models.save(CP1, [], T0)
        await uow.commit()
    changed = dataclasses.replace(others[1], value="GPS", mutability="ReadOnly")
    async with SqlUnitOfWork(engine) as uow:
        await uow.device_models.save(CP1, [changed], T0 + timedelta(hours=1))
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        found = await uow.device_models.variables(CP1)
        assert found == [changed, full, others[0]]
        assert await uow.device_models.variables(ChargePointId("NONE")) == []


async def test_security_events_page_newest_first(engine: AsyncEngine) -> None:
    events = [
        SecurityEvent(CP1, f"T{index}", T0 + timedelta(seconds=index), T0, tech_info="i" * 500)
        for index in range(4)
    ]
    async with SqlUnitOfWork(engine) as uow:
        for event in events:
            await uow.security_events.add(event)
        await uow.security_events.add(SecurityEvent(CP2, "Other", T0, T0))
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        first = await uow.security_events.page(CP1, None, 3)
        assert [dataclasses.replace(e, sequence=0) for e in first] == events[:0:-1]
        assert first[0].sequence > first[1].sequence > first[2].sequence
        rest = await uow.security_events.page(CP1, first[-1].sequence, 3)
        assert [e.type for e in rest] == ["T0"]


async def test_station_events_read_back_whole_and_newest_first(engine: AsyncEngine) -> None:
    full = StationEvent(
        charge_point_id=CP1,
        event_id=7,
        timestamp=T0,
        trigger="Delta",
        component="Connector",
        variable="Problem",
        received_at=T0 + timedelta(seconds=1),
        cause=3,
        actual_value="true",
        tech_code="E12",
        tech_info="over temperature",
        cleared=True,
        transaction_id="tx-1",
        evse_id=1,
        notification_type="HardWiredMonitor",
    )
    minimal = dataclasses.replace(full, event_id=8, cause=0, cleared=False, tech_code="")
    async with SqlUnitOfWork(engine) as uow:
        await uow.station_events.add([full, minimal])
        await uow.station_events.add([])
        await uow.commit()
    async with SqlUnitOfWork(engine) as uow:
        found = await uow.station_events.page(CP1, None, 10)
        assert [dataclasses.replace(e, sequence=0) for e in found] == [minimal, full]
        assert await uow.station_events.page(CP1, found[1].sequence, 10) == []
        assert await uow.station_events.page(CP2, None, 10) == []
