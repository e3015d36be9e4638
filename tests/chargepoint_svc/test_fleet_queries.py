"""The fleet filters and summary (issue 14) through the use cases, on the in-memory twin,
SQLite and PostgreSQL: the three stores answer alike."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chargepoint_svc.adapters.memory import MemoryStore, MemoryUnitOfWork
from chargepoint_svc.adapters.sql import SqlUnitOfWork
from chargepoint_svc.domain.charge_point import (
    Admission,
    BootData,
    ChargePoint,
    ChargePointId,
    Connector,
    ConnectorStatus,
    RegistrationStatus,
)
from chargepoint_svc.domain.fleet import ChargePointFilter
from chargepoint_svc.errors import InvalidFilter
from chargepoint_svc.ports import UnitOfWork
from chargepoint_svc.use_cases import ChargePointUseCases
from servicekit import migrations
from servicekit.charge_point_policy import AdmissionPolicy
from servicekit.clock import FixedClock
from servicekit.database import create_engine
from servicekit.errors import InvalidArgument
from servicekit.pagination import PageRequest
from tests.support.databases import postgres_database, sqlite_url

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
ACCEPTED, PENDING, REJECTED = RegistrationStatus
S = ConnectorStatus

# id, status, boot (version, vendor, model, serial, firmware), connector statuses
FLEET: list[tuple[str, RegistrationStatus, tuple[str, ...] | None, tuple[ConnectorStatus, ...]]] = [
    ("CP-001", ACCEPTED, ("1.6", "Acme", "Wallbox", "SN-A1", "1.0"), (S.AVAILABLE, S.FAULTED)),
    ("CP-002", ACCEPTED, ("2.0.1", "Acme", "Wallbox", "SN-A2", "2.0"), (S.CHARGING,)),
    ("CP-003", PENDING, ("2.0.1", "ACME", "Pillar", "SN-B1", "2.0"), (S.AVAILABLE,)),
    ("cp_100%", ACCEPTED, ("2.1", "Bolt", "Dc50", "X-42", "3.1"), (S.UNAVAILABLE, S.CHARGING)),
    ("SITE-9", REJECTED, ("1.6", "Bolt", "Dc50", "cp-7", "1.0"), ()),
    ("NEW-1", ACCEPTED, None, ()),
]


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | None]:
    """None for the in-memory twin, else an empty database's URL."""
    if request.param == "memory":
        yield None
    elif request.param == "sqlite":
        yield sqlite_url(tmp_path, "fleet")
    else:
        with postgres_database() as url:
            yield url


@pytest.fixture
async def use_cases(store_url: str | None) -> AsyncIterator[ChargePointUseCases]:
    admission = Admission(AdmissionPolicy.OPEN, 300, 60)
    clock = FixedClock(T0)
    if store_url is None:
        store = MemoryStore()
        await _seed(lambda: MemoryUnitOfWork(store))
        yield ChargePointUseCases(lambda: MemoryUnitOfWork(store), clock, admission)
        return
    await asyncio.to_thread(migrations.upgrade, "chargepoint", store_url)
    engine = create_engine(store_url, "chargepoint")
    try:
        await _seed(lambda: SqlUnitOfWork(engine))
        yield ChargePointUseCases(lambda: SqlUnitOfWork(engine), clock, admission)
    finally:
        await engine.dispose()


async def _seed(unit_of_work: Callable[[], UnitOfWork]) -> None:
    async with unit_of_work() as uow:
        for index, (cp_id, status, boot, statuses) in enumerate(FLEET):
            registered = ChargePoint.register(ChargePointId(cp_id), status, T0)
            assert await uow.charge_points.add(registered)
            if boot is not None:
                version, vendor, model, serial, firmware = boot
                data = BootData(version, vendor, model, serial, firmware)
                await uow.charge_points.update(registered.booted(data, T0))
            for evse, connector_status in enumerate(statuses, start=1):
                at = T0 + timedelta(minutes=index * 10 + evse)
                connector = Connector(evse, 1, connector_status, at, at)
                await uow.charge_points.save_connector(registered.id, connector)
        await uow.commit()


async def _ids(use_cases: ChargePointUseCases, where: ChargePointFilter) -> list[str]:
    page = await use_cases.list_charge_points(PageRequest.parse(100, "", where.scope), where)
    assert page.total_size == len(page.charge_points)
    return [cp.id for cp in page.charge_points]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (ChargePointFilter(), ["CP-001", "CP-002", "CP-003", "NEW-1", "SITE-9", "cp_100%"]),
        # The id, vendor, model or serial number, any case; % and _ are plain characters.
        (ChargePointFilter(query="cp-"), ["CP-001", "CP-002", "CP-003", "SITE-9"]),
        (ChargePointFilter(query="100%"), ["cp_100%"]),
        (ChargePointFilter(query="p_1"), ["cp_100%"]),
        (ChargePointFilter(query="pill"), ["CP-003"]),
        (ChargePointFilter(vendor="acme"), ["CP-001", "CP-002", "CP-003"]),
        (ChargePointFilter(vendor="Acm"), []),
        (ChargePointFilter(model="DC50"), ["SITE-9", "cp_100%"]),
        (ChargePointFilter(ocpp_version="2.0.1"), ["CP-002", "CP-003"]),
        (ChargePointFilter(registration_status=PENDING), ["CP-003"]),
        (ChargePointFilter(connector_status=S.CHARGING), ["CP-002", "cp_100%"]),
        (ChargePointFilter(connector_status=S.AVAILABLE), ["CP-001", "CP-003"]),
        (ChargePointFilter(firmware_version="1.0"), ["CP-001", "SITE-9"]),
        (
            ChargePointFilter(
                vendor="ACME", connector_status=S.AVAILABLE, registration_status=ACCEPTED
            ),
            ["CP-001"],
        ),
        (ChargePointFilter(vendor="Bolt", ocpp_version="1.6", query="CP-7"), ["SITE-9"]),
    ],
)
async def test_filters(
    use_cases: ChargePointUseCases, where: ChargePointFilter, expected: list[str]
) -> None:
    assert sorted(await _ids(use_cases, where)) == sorted(expected)


async def test_pages_of_a_filter_count_all_it_matches(use_cases: ChargePointUseCases) -> None:
    where = ChargePointFilter(query="cp")
    seen: list[str] = []
    token = ""
    while True:
        page = await use_cases.list_charge_points(PageRequest.parse(2, token, where.scope), where)
        assert page.total_size == 5
        seen += [cp.id for cp in page.charge_points]
        token = page.next_page_token
        if not token:
            break
    assert seen == ["CP-001", "CP-002", "CP-003", "SITE-9", "cp_100%"]
    first = await use_cases.list_charge_points(PageRequest.parse(2, "", where.scope), where)
    other = ChargePointFilter(query="site")
    with pytest.raises(InvalidArgument, match="page_token was given out for other filters"):
        PageRequest.parse(2, first.next_page_token, other.scope)
    with pytest.raises(InvalidArgument, match="other filters"):
        PageRequest.parse(2, first.next_page_token)


async def test_summary(use_cases: ChargePointUseCases) -> None:
    summary = await use_cases.fleet_summary()
    assert summary.total_stations == 6
    assert summary.stations_by_registration_status == {ACCEPTED: 4, PENDING: 1, REJECTED: 1}
    assert summary.stations_by_ocpp_version == {"1.6": 2, "2.0.1": 2, "2.1": 1}
    assert summary.stations_never_booted == 1
    worst = {status: 0 for status in ConnectorStatus} | {
        S.FAULTED: 1,
        S.CHARGING: 1,
        S.AVAILABLE: 1,
        S.UNAVAILABLE: 1,
        None: 2,
    }
    assert summary.stations_by_worst_status == worst
    connectors = {status: 0 for status in ConnectorStatus} | {
        S.AVAILABLE: 2,
        S.FAULTED: 1,
        S.CHARGING: 2,
        S.UNAVAILABLE: 1,
    }
    assert summary.connectors_by_status == connectors
    # cp_100%'s second EVSE: the fourth station's, 30 + 2 minutes after T0.
    assert summary.last_status_change_at == T0 + timedelta(minutes=32)
    assert summary.vendors == (("Acme", 2), ("Bolt", 2), ("ACME", 1))
    assert summary.models == (("Dc50", 2), ("Wallbox", 2), ("Pillar", 1))


async def test_an_empty_fleet_has_a_summary_of_zeros() -> None:
    store = MemoryStore()
    admission = Admission(AdmissionPolicy.OPEN, 300, 60)
    use_cases = ChargePointUseCases(lambda: MemoryUnitOfWork(store), FixedClock(T0), admission)
    summary = await use_cases.fleet_summary()
    assert summary.total_stations == 0
    assert summary.last_status_change_at is None
    assert set(summary.stations_by_worst_status.values()) == {0}
    assert (summary.vendors, summary.models) == ((), ())


def test_bad_filter_values_name_the_field() -> None:
    versions = re.escape("ocpp_version must be one of 1.6, 2.0.1, 2.1")
    with pytest.raises(InvalidFilter, match=versions):
        ChargePointFilter(ocpp_version="1.5")
    with pytest.raises(InvalidFilter, match="vendor must not contain NUL"):
        ChargePointFilter(vendor="a\x00b")
    with pytest.raises(InvalidFilter, match="query is 101 characters long"):
        ChargePointFilter(query="x" * 101)
    assert dataclasses.replace(ChargePointFilter(), query="").scope == ""
