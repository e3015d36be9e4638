"""The SQL repositories of requests sent to stations and of display messages, on SQLite and
on PostgreSQL, against their in-memory twins: the same calls read back the same."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from chargepoint_svc.adapters.memory import MemoryStore, MemoryUnitOfWork
from chargepoint_svc.adapters.sql import SqlUnitOfWork
from chargepoint_svc.domain.charge_point import ChargePoint, ChargePointId, RegistrationStatus
from chargepoint_svc.domain.display_messages import DisplayMessage
from chargepoint_svc.domain.station_requests import RequestKind, RequestReport, StationRequest
from chargepoint_svc.ports import UnitOfWork
from servicekit import migrations
from servicekit.database import create_engine

T0 = datetime(2026, 3, 1, 12, 0, 0, 123000, tzinfo=UTC)
CP1 = ChargePointId("CP1")
CP2 = ChargePointId("CP2")
LOG = RequestKind.LOG


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    await asyncio.to_thread(migrations.upgrade, "chargepoint", database_url)
    created = create_engine(database_url, "chargepoint")
    yield created
    await created.dispose()


@pytest.fixture(params=["sql", "memory"])
async def units(request: pytest.FixtureRequest, engine: AsyncEngine) -> Callable[[], UnitOfWork]:
    store = MemoryStore()
    make: Callable[[], UnitOfWork] = (
        (lambda: SqlUnitOfWork(engine))
        if request.param == "sql"
        else (lambda: MemoryUnitOfWork(store))
    )
    async with make() as uow:
        for cp_id in (CP1, CP2):
            await uow.charge_points.add(
                ChargePoint.register(cp_id, RegistrationStatus.ACCEPTED, T0)
            )
        await uow.commit()
    return make


def _request(cp_id: ChargePointId, request_id: int, kind: RequestKind = LOG) -> StationRequest:
    return StationRequest(
        charge_point_id=cp_id,
        kind=kind,
        request_id=request_id,
        requested_at=T0,
        details=MappingProxyType({"location": "ftp://x/", "start_time": None}),
        requested_by="ops",
    )


async def test_requests_and_their_reports_read_back(units: Callable[[], UnitOfWork]) -> None:
    async with units() as uow:
        assert await uow.station_requests.highest_request_id(CP1) is None
        for request_id in (1, 2):
            await uow.station_requests.add(_request(CP1, request_id))
        await uow.station_requests.add(_request(CP1, 3, RequestKind.CUSTOMER_INFORMATION))
        await uow.station_requests.add(_request(CP2, 7))
        await uow.station_requests.save(_request(CP1, 1).answered("Accepted", "f.log"))
        await uow.station_requests.add_report(
            CP1, LOG, 1, RequestReport(received_at=T0, status="Uploading")
        )
        later = T0 + timedelta(seconds=1)
        await uow.station_requests.add_report(
            CP1, LOG, 1, RequestReport(received_at=later, status="Uploaded", generated_at=later)
        )
        await uow.commit()
    async with units() as uow:
        assert await uow.station_requests.highest_request_id(CP1) == 3
        found = await uow.station_requests.get(CP1, LOG, 1)
        assert found == _request(CP1, 1).answered("Accepted", "f.log")
        assert await uow.station_requests.get(CP1, LOG, 3) is None
        assert [r.request_id for r in await uow.station_requests.page(CP1, LOG, None, 5)] == [2, 1]
        assert [r.request_id for r in await uow.station_requests.page(CP1, LOG, 2, 5)] == [1]
        assert (await uow.station_requests.latest(CP1, LOG)) == _request(CP1, 2)
        reports = await uow.station_requests.reports(CP1, LOG, 1)
        assert [(r.status, r.generated_at) for r in reports] == [
            ("Uploading", None),
            ("Uploaded", T0 + timedelta(seconds=1)),
        ]


async def test_an_uncommitted_report_is_not_kept(units: Callable[[], UnitOfWork]) -> None:
    async with units() as uow:
        await uow.station_requests.add(_request(CP1, 1))
        await uow.commit()
    async with units() as uow:
        await uow.station_requests.add_report(CP1, LOG, 1, RequestReport(received_at=T0))
    async with units() as uow:
        assert await uow.station_requests.reports(CP1, LOG, 1) == []


async def test_display_messages_are_replaced_by_id_and_deleted(
    units: Callable[[], UnitOfWork],
) -> None:
    welcome = DisplayMessage(
        id=1,
        priority="IN_FRONT",
        content="Welcome",
        language="en",
        state="IDLE",
        start_time=T0,
        end_time=T0 + timedelta(days=1),
        display_component="Display",
    )
    async with units() as uow:
        await uow.display_messages.save(CP1, [welcome, DisplayMessage(2, "NORMAL_CYCLE", "b")])
        await uow.display_messages.save(CP2, [DisplayMessage(1, "NORMAL_CYCLE", "other")])
        await uow.display_messages.save(CP1, [DisplayMessage(2, "ALWAYS_FRONT", "b2")])
        await uow.commit()
    async with units() as uow:
        assert await uow.display_messages.messages(CP1) == [
            welcome,
            DisplayMessage(2, "ALWAYS_FRONT", "b2"),
        ]
        await uow.display_messages.delete(CP1, 2)
        assert await uow.display_messages.messages(CP1) == [welcome]
        await uow.display_messages.delete(CP1, None)
        assert await uow.display_messages.messages(CP1) == []
        assert [m.content for m in await uow.display_messages.messages(CP2)] == ["other"]
