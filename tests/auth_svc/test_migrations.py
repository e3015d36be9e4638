from __future__ import annotations

import asyncio
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from auth_svc.adapters.tables import metadata
from servicekit.database import is_sqlite, schema_for
from servicekit.migrations import config_for
from tests.support.migrations import revisions, upgrade_keeps_rows


def _inspecting_engine(url: str) -> AsyncEngine:
    """An engine that sees auth's schema as its default one, as the service's tables do."""
    if is_sqlite(url):
        return create_async_engine(url)
    return create_async_engine(url, connect_args={"server_settings": {"search_path": "auth"}})


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def _table_names(connection: Connection, schema: str | None) -> set[str]:
    return set(inspect(connection).get_table_names(schema=schema))


async def test_head_matches_the_tables_and_downgrades_to_nothing(migrated_url: str) -> None:
    schema = schema_for(migrated_url, "auth")
    engine = _inspecting_engine(migrated_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences)
            tables = await connection.run_sync(_table_names, schema)
        assert differences == []
        assert tables == {
            "alembic_version",
            "charge_point_credentials",
            "contract_certificate_checks",
            "id_tags",
            "local_list_entries",
            "local_list_state",
            "local_list_versions",
            "network_profiles",
        }
        if schema is not None:
            async with engine.connect() as connection:
                public = await connection.run_sync(_table_names, "public")
            assert public == set(), "auth's tables belong in its own schema"

        config = config_for("auth", migrated_url)
        await asyncio.to_thread(command.downgrade, config, "0003_charge_point_credentials")
        async with engine.connect() as connection:
            tables = await connection.run_sync(_table_names, schema)
        assert "contract_certificate_checks" not in tables
        assert "charge_point_credentials" in tables

        await asyncio.to_thread(command.downgrade, config, "0002_local_list")
        async with engine.connect() as connection:
            tables = await connection.run_sync(_table_names, schema)
        assert "charge_point_credentials" not in tables and "local_list_state" in tables

        await asyncio.to_thread(command.downgrade, config, "0001_auth_initial")
        async with engine.connect() as connection:
            tables = await connection.run_sync(_table_names, schema)
        assert tables == {"alembic_version", "id_tags"}

        await asyncio.to_thread(command.downgrade, config, "base")
        async with engine.connect() as connection:
            tables = await connection.run_sync(_table_names, schema)
        assert tables == {"alembic_version"}
    finally:
        await engine.dispose()


@pytest.mark.parametrize("start", revisions("auth", "sqlite://")[:-1])
async def test_upgrade_from_every_earlier_revision_keeps_the_rows(
    database_url: str, start: str
) -> None:
    after = await upgrade_keeps_rows(
        database_url,
        "auth",
        start,
        {"id_tags": {"status": "ACCEPTED"}, "charge_point_credentials": {"security_profile": 1}},
    )
    assert [row["id_tag"] for row in after["id_tags"]] == ["id_tags.id_tag"]
    # 0004: identifiers stored before types were are ISO14443, as they were always sent.
    if start < "0004":
        assert [row["id_token_type"] for row in after["id_tags"]] == ["ISO14443"]
    # 0002 starts the local list at version 0 (none yet).
    assert after["local_list_state"] == [{"id": 1, "version": 0}]
    # 0003: no charge point has credentials yet, so every one keeps profile 0.
    if start < "0003":
        assert after["charge_point_credentials"] == []
