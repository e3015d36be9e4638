"""Every service's migrations in one PostgreSQL database (one ``CSMS_DATABASE_URL`` for
all, as production runs): each service's tables and its Alembic version table live in its
own schema, so each service upgrades on its own."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from servicekit import migrations
from tests.support.databases import postgres_database
from tests.support.migrations import revisions, version_table_schemas

pytestmark = pytest.mark.postgres


@pytest.fixture
def shared_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


async def tables_by_schema(url: str) -> dict[str, set[str]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text(
                    "SELECT table_schema, table_name FROM information_schema.tables "
                    "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
                )
            )
            found: dict[str, set[str]] = {}
            for schema, table in rows:
                found.setdefault(schema, set()).add(table)
            return found
    finally:
        await engine.dispose()


async def test_each_service_keeps_its_tables_and_version_in_its_own_schema(
    shared_url: str,
) -> None:
    for service in migrations.SERVICES:
        await asyncio.to_thread(migrations.upgrade, service, shared_url)
    assert await version_table_schemas(shared_url) == {
        service: [revisions(service, shared_url)[-1]] for service in migrations.SERVICES
    }
    schemas = await tables_by_schema(shared_url)
    assert set(schemas) == set(migrations.SERVICES)
    assert {"transactions", "meter_reports"} <= schemas["transaction"]
    assert "charge_points" in schemas["chargepoint"]
    assert "id_tags" in schemas["auth"]

    # One service moving back and forth leaves the others' versions alone.
    config = migrations.config_for("transaction", shared_url)
    await asyncio.to_thread(command.downgrade, config, "base")
    versions = await version_table_schemas(shared_url)
    assert versions["transaction"] == []
    assert versions["auth"] == [revisions("auth", shared_url)[-1]]
    await asyncio.to_thread(migrations.upgrade, "transaction", shared_url)
    assert (await version_table_schemas(shared_url))["transaction"] == [
        revisions("transaction", shared_url)[-1]
    ]
