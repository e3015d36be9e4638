"""Fixtures every test package may use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.databases import postgres_database, sqlite_url
from tests.support.redis import RedisNamespace, redis_namespace
from tests.support.unavailable import skips_forbidden
from tests.support.unit_layer import forbid_io


@pytest.fixture(autouse=True)
def unit_layer(request: pytest.FixtureRequest) -> None:
    """A test marked ``unit`` fails if it opens a socket, a process, a database or a gRPC
    server or channel: the marker says it does none (``tests.support.unit_layer``)."""
    if request.node.get_closest_marker("unit") is not None:
        forbid_io(request.getfixturevalue("monkeypatch"))


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


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Where skips are forbidden (CI, ``.ci/run``), a run with any skipped test fails.

    ``tests.support.unavailable`` already fails the tests whose server or binary is missing
    there; this also catches a skip from anywhere else (a marker, a plugin, a new test).
    """
    if not skips_forbidden() or exitstatus != pytest.ExitCode.OK:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if skipped:
        reporter.write_line(
            f"{len(skipped)} test(s) skipped where skips are forbidden "
            "(CI=true or CSMS_TESTS_FORBID_SKIPS=1): the run fails",
            red=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
