"""Fresh, empty databases for one test: a SQLite file, or a new PostgreSQL database.

PostgreSQL is the one named by ``CSMS_TEST_POSTGRES_URL`` (default: the local server with
trust auth). When it cannot be reached, PostgreSQL tests are skipped on a developer's
machine and fail under CI (``CI=true``), where ``.ci/run`` starts the server.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.support.unavailable import unavailable

POSTGRES_URL = os.environ.get(
    "CSMS_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


def sqlite_url(directory: Path, name: str) -> str:
    return f"sqlite+aiosqlite:///{directory / (name + '.db')}"


async def _admin(statement: str) -> None:
    import asyncpg

    url = make_url(POSTGRES_URL)
    connection = await asyncpg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        database=url.database or "postgres",
        timeout=5,
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def postgres_database() -> Iterator[str]:
    """Create a uniquely named database, yield its URL, drop it afterwards."""
    name = f"csms_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, ImportError) as error:
        unavailable(
            f"PostgreSQL at {POSTGRES_URL} is not reachable: {error}",
            "CI must run it; see .ci/run",
        )
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
