"""The migrations build exactly the tables of ``transaction_svc.adapters.tables``, on SQLite
and PostgreSQL, and can be undone."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from servicekit.database import is_sqlite
from servicekit.migrations import config_for, upgrade
from transaction_svc.adapters.tables import metadata


def _engine(database_url: str) -> Any:
    if is_sqlite(database_url):
        return create_async_engine(database_url)
    # Reflect the service's schema as if it were the default one, as the tables name none.
    return create_async_engine(
        database_url, connect_args={"server_settings": {"search_path": "transaction"}}
    )


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def _table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _column_names(connection: Connection, table: str) -> set[str]:
    return {column["name"] for column in inspect(connection).get_columns(table)}


async def test_upgrade_matches_tables_and_downgrade_removes_them(database_url: str) -> None:
    await asyncio.to_thread(upgrade, "transaction", database_url)
    engine = _engine(database_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
            tables = await connection.run_sync(_table_names)
            assert {"transactions", "meter_values", "reservations", "transaction_events"} <= tables

        config = config_for("transaction", database_url)
        await asyncio.to_thread(command.downgrade, config, "0002_reservations")
        async with engine.connect() as connection:
            tables = await connection.run_sync(_table_names)
            assert "transaction_events" not in tables
            columns = await connection.run_sync(_column_names, "transactions")
            assert not {"station_transaction_id", "charging_state"} & columns
        await asyncio.to_thread(upgrade, "transaction", database_url)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []

        await asyncio.to_thread(command.downgrade, config, "0001_transaction_initial")
        async with engine.connect() as connection:
            tables = await connection.run_sync(_table_names)
            assert "reservations" not in tables
            assert {"transactions", "meter_values"} <= tables

        await asyncio.to_thread(command.downgrade, config, "base")
        async with engine.connect() as connection:
            assert await connection.run_sync(_table_names) <= {"alembic_version"}
    finally:
        await engine.dispose()
