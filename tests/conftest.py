"""Fixtures every test package may use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.databases import postgres_database, sqlite_url
from tests.support.redis import RedisNamespace, redis_namespace


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, once as a SQLite file and once as a new PostgreSQL database.

    Tests that take it run against both stores; the database has no tables until the test
    applies the service's migrations (``servicekit.migrations.upgrade``).
    """
    if request.param == "sqlite":
        yield sqlite_url(tmp_path, "service")
    else:
        with postgres_database() as url:
            yield url


@pytest.fixture
def redis_space() -> Iterator[RedisNamespace]:
    """The machine's Redis with a key prefix of this test's own (``CSMS_REDIS_PREFIX``)."""
    with redis_namespace() as namespace:
        yield namespace
