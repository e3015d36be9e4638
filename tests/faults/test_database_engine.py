"""A service's engine (``servicekit.database.create_engine``) in front of PostgreSQL behind
a TCP proxy: what a connection lost in the middle of a statement, or a statement that gets
no answer, raise; that :func:`~servicekit.database.outage` calls both an outage; and that
neither leaves a broken connection in the pool for the next call."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from servicekit.database import create_engine, outage
from tests.support.databases import postgres_database
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres

TIMEOUT = 1.0


@dataclass
class Proxied:
    proxy: TcpProxy
    engine: AsyncEngine


@pytest.fixture
def direct_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


@pytest.fixture
async def proxied(direct_url: str) -> AsyncIterator[Proxied]:
    url = make_url(direct_url)
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        engine = create_engine(
            url.set(port=proxy.port).render_as_string(hide_password=False), "kit", timeout=TIMEOUT
        )
        try:
            yield Proxied(proxy, engine)
        finally:
            await engine.dispose()


async def one(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(text("SELECT 1")) or 0)


async def test_a_connection_lost_mid_transaction_is_an_outage_and_is_not_reused(
    proxied: Proxied,
) -> None:
    async with proxied.engine.connect() as connection:
        await connection.begin()
        await connection.execute(text("SELECT 1"))
        proxied.proxy.cut()
        with pytest.raises(DBAPIError) as raised:
            await connection.execute(text("SELECT 2"))
    assert raised.value.connection_invalidated
    assert outage(raised.value) == "the connection to it was lost"
    # While it is down, a new call is refused at once.
    with pytest.raises(OSError) as refused:
        await one(proxied.engine)
    assert outage(refused.value) == "connection refused"

    proxied.proxy.restore()
    assert await one(proxied.engine) == 1
    assert proxied.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_a_statement_without_an_answer_times_out_and_its_connection_is_dropped(
    proxied: Proxied,
) -> None:
    assert await one(proxied.engine) == 1
    async with proxied.engine.connect() as connection:
        await connection.begin()
        await connection.execute(text("SELECT 1"))
        proxied.proxy.stall()
        statement = asyncio.ensure_future(connection.execute(text("SELECT 2")))
        # This test only waits, it never cancels: the statement must be ended by the
        # engine's own statement timeout (asyncpg's command_timeout), not by the test.
        await asyncio.wait({statement}, timeout=10 * TIMEOUT)
        if not statement.done():
            statement.cancel()
            pytest.fail(f"the statement was still waiting after {10 * TIMEOUT} s: no timeout")
        with pytest.raises(TimeoutError) as raised:
            statement.result()
        assert outage(raised.value) == "it did not answer in time"
        # Taken out of the pool: asyncpg still waits for the statement it gave up on.
        assert connection.invalidated
    proxied.proxy.restore()
    assert await one(proxied.engine) == 1
    assert proxied.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
