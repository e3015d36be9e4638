"""ListTransactions' filters (issue 14) in the SQL repository, on SQLite and PostgreSQL,
and in its in-memory twin: the same transactions, the same answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from servicekit.database import create_engine
from servicekit.migrations import upgrade
from tests.support.databases import postgres_database, sqlite_url
from tests.support.transaction_factories import a_start, at
from transaction_svc.adapters.memory import MemoryStore, MemoryUnitOfWork
from transaction_svc.adapters.sql import SqlUnitOfWork
from transaction_svc.domain.authorization import AuthorizationStatus
from transaction_svc.domain.transaction import TransactionQuery, TransactionStatus
from transaction_svc.errors import InvalidTransactionRequest
from transaction_svc.ports import UnitOfWork

# charge point, id tag, start minute; ids 1.. in this order.
STARTS = [
    ("CP-1", "TAG-A", 0),
    ("CP-1", "TAG-B", 10),
    ("CP-2", "TAG-A", 20),
    ("CP-2", "TAG-A", 30),
    ("CP-3", "TAG-C", 40),
]


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | None]:
    if request.param == "memory":
        yield None
    elif request.param == "sqlite":
        yield sqlite_url(tmp_path, "transactions")
    else:
        with postgres_database() as url:
            yield url


@pytest.fixture
async def unit_of_work(store_url: str | None) -> AsyncIterator[Callable[[], UnitOfWork]]:
    if store_url is None:
        store = MemoryStore()
        yield lambda: MemoryUnitOfWork(store)
        return
    await asyncio.to_thread(upgrade, "transaction", store_url)
    engine = create_engine(store_url, "transaction")
    try:
        yield lambda: SqlUnitOfWork(engine)
    finally:
        await engine.dispose()


async def _ids(unit_of_work: Callable[[], UnitOfWork], query: TransactionQuery) -> list[int]:
    async with unit_of_work() as uow:
        found = await uow.transactions.search(query)
        assert await uow.transactions.count(query) >= len(found)
    return [t.id for t in found]


async def test_filters_and_counts(unit_of_work: Callable[[], UnitOfWork]) -> None:
    async with unit_of_work() as uow:
        ids = []
        for connector, (cp, tag, minute) in enumerate(STARTS, start=1):
            start = a_start(
                charge_point_id=cp, id_tag=tag, started_at=at(minute), connector_id=connector
            )
            ids.append(
                (await uow.transactions.add(start, AuthorizationStatus.ACCEPTED, at(minute))).id
            )
        await uow.commit()
    query = TransactionQuery(limit=10)
    assert await _ids(unit_of_work, replace(query, id_tag="TAG-A")) == [ids[3], ids[2], ids[0]]
    assert await _ids(unit_of_work, replace(query, id_tag="tag-a")) == []
    window = replace(query, started_after=at(10), started_before=at(30))
    assert await _ids(unit_of_work, window) == [ids[2], ids[1]]
    assert await _ids(unit_of_work, replace(query, started_after=at(30))) == [ids[4], ids[3]]
    assert await _ids(unit_of_work, replace(query, started_before=at(10))) == [ids[0]]
    both = replace(query, id_tag="TAG-A", charge_point_id="CP-2", started_after=at(25))
    assert await _ids(unit_of_work, both) == [ids[3]]
    active = replace(query, status=TransactionStatus.ACTIVE, id_tag="TAG-C")
    assert await _ids(unit_of_work, active) == [ids[4]]
    async with unit_of_work() as uow:
        tag_a = replace(query, id_tag="TAG-A", limit=1, before_id=ids[3])
        assert [t.id for t in await uow.transactions.search(tag_a)] == [ids[2]]
        # The count is of the filters, whatever the page.
        assert await uow.transactions.count(tag_a) == 3
        assert await uow.transactions.count(query) == 5


def test_an_empty_window_is_refused() -> None:
    with pytest.raises(InvalidTransactionRequest, match="started_before must be after"):
        TransactionQuery(limit=1, started_after=at(5), started_before=at(5))


def test_an_id_tag_with_nul_is_refused() -> None:
    with pytest.raises(InvalidTransactionRequest, match="id_tag must not contain NUL"):
        TransactionQuery(limit=1, id_tag="TAG\x00")
