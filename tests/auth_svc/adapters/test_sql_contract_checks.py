"""auth_svc.adapters.sql_contract_checks and its in-memory twin keep the same record: on
SQLite, PostgreSQL and in memory, newest first, per charge point, committed or not."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from auth_svc.adapters.memory import MemoryStore
from auth_svc.adapters.sql import SqlUnitOfWork
from auth_svc.domain.contract_certificate import Check
from auth_svc.ports import UnitOfWork
from servicekit.database import create_engine

T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sql", "memory"])
async def unit_of_work(
    request: pytest.FixtureRequest, migrated_url: str
) -> AsyncIterator[Callable[[], UnitOfWork]]:
    if request.param == "memory":
        yield MemoryStore().unit_of_work
        return
    engine: AsyncEngine = create_engine(migrated_url, "auth")
    try:
        yield functools.partial(SqlUnitOfWork, engine)
    finally:
        await engine.dispose()


def check(charge_point_id: str, minute: int, status: str = "Accepted") -> Check:
    return Check(
        charge_point_id=charge_point_id,
        action="Authorize",
        id_tag="EMAID-1",
        serial_number="1F",
        status=status,
        reason="",
        checked_at=T0 + timedelta(minutes=minute),
    )


async def test_newest_first_per_charge_point(unit_of_work: Callable[[], UnitOfWork]) -> None:
    async with unit_of_work() as uow:
        for minute, cp in enumerate(["CP-1", "CP-2", "CP-1", "CP-1"]):
            await uow.contract_checks.add(check(cp, minute, status=f"S{minute}"))
        await uow.commit()
    async with unit_of_work() as uow:
        newest = await uow.contract_checks.newest("CP-1", 2)
        everything = await uow.contract_checks.newest("CP-1", 10)
        other = await uow.contract_checks.newest("CP-2", 10)
    assert [c.status for c in newest] == ["S3", "S2"]
    assert [c.status for c in everything] == ["S3", "S2", "S0"]
    assert other == [check("CP-2", 1, status="S1")]


async def test_nothing_is_kept_without_a_commit(unit_of_work: Callable[[], UnitOfWork]) -> None:
    async with unit_of_work() as uow:
        await uow.contract_checks.add(check("CP-1", 0))
    async with unit_of_work() as uow:
        assert await uow.contract_checks.newest("CP-1", 10) == []
