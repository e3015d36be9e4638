"""Upgrading a service's database to head from an earlier revision with rows in place, the
way a deployment upgrades from the previous release: every table the earlier revision has
gets a row (or keeps the rows its migrations seeded), and after the upgrade every one of
them is still there with the values it had.

The rows are made from the schema itself (one value per column type, foreign keys pointing
at the rows made before), so a new table or column is covered without touching the tests;
a service passes the values that make its rows look like its own (statuses and the like).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from servicekit.database import schema_for
from servicekit.migrations import config_for
from servicekit.timestamps import as_utc

Rows = dict[str, list[dict[str, Any]]]
# Per table, per column: the value its generated row takes instead of the default one.
Overrides = Mapping[str, Mapping[str, Any]]

MOMENT = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
VERSION_TABLE = "alembic_version"


def revisions(service: str, url: str) -> list[str]:
    """The service's revisions, oldest first."""
    script = ScriptDirectory.from_config(config_for(service, url))
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def inspecting_engine(url: str, service: str) -> AsyncEngine:
    """An engine that sees the service's schema as its default one, as its tables do."""
    schema = schema_for(url, service)
    if schema is None:
        return create_async_engine(url)
    return create_async_engine(url, connect_args={"server_settings": {"search_path": schema}})


async def upgrade_keeps_rows(
    url: str, service: str, start: str, overrides: Overrides | None = None
) -> Rows:
    """Migrate to ``start``, give every table a row, upgrade to head, and check each row
    kept its values; return the rows as they are at head."""
    config = config_for(service, url)
    await asyncio.to_thread(command.upgrade, config, start)
    engine = inspecting_engine(url, service)
    try:
        async with engine.begin() as connection:
            before = await connection.run_sync(_fill, overrides or {})
        await asyncio.to_thread(command.upgrade, config, "head")
        async with engine.connect() as connection:
            after = await connection.run_sync(_rows)
            keys = await connection.run_sync(_primary_keys)
    finally:
        await engine.dispose()
    assert set(before) <= set(after), f"tables gone: {set(before) - set(after)}"
    for name, rows in before.items():
        assert rows, f"{name} got no row"
        kept = {tuple(row[column] for column in keys[name]): row for row in after[name]}
        assert len(kept) == len(rows), (name, after[name])
        for row in rows:
            now = kept[tuple(row[column] for column in keys[name])]
            assert {column: now[column] for column in row} == row, name
    return after


async def version_table_schemas(url: str) -> dict[str, list[str]]:
    """PostgreSQL: the schemas holding an Alembic version table, with the revisions in it."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            schemas = await connection.execute(
                text(
                    "SELECT table_schema FROM information_schema.tables "
                    "WHERE table_name = :name ORDER BY table_schema"
                ),
                {"name": VERSION_TABLE},
            )
            found: dict[str, list[str]] = {}
            for (schema,) in list(schemas):
                versions = await connection.execute(
                    text(f'SELECT version_num FROM "{schema}".{VERSION_TABLE}')
                )
                found[schema] = [version for (version,) in versions]
            return found
    finally:
        await engine.dispose()


def _tables(connection: Connection) -> MetaData:
    metadata = MetaData()
    metadata.reflect(connection)
    metadata.remove(metadata.tables[VERSION_TABLE])
    return metadata


def _fill(connection: Connection, overrides: Overrides) -> Rows:
    """One row in each table that has none yet; every table's rows."""
    for table in _tables(connection).sorted_tables:
        if connection.scalar(select(func.count()).select_from(table)):
            continue  # seeded by its migration: those rows are the ones to keep
        row = {
            column.name: _value(connection, table, column.name)
            for column in table.columns
            if not _allocated(table, column.name)
        }
        # An override of a column a later revision adds applies from that revision on.
        row.update(
            (name, value)
            for name, value in overrides.get(table.name, {}).items()
            if name in table.columns
        )
        connection.execute(insert(table).values(**row))
    return _rows(connection)


def _primary_keys(connection: Connection) -> dict[str, list[str]]:
    return {
        table.name: [column.name for column in table.primary_key.columns]
        for table in _tables(connection).sorted_tables
    }


def _rows(connection: Connection) -> Rows:
    return {
        table.name: [
            {key: _comparable(value) for key, value in row._mapping.items()}
            for row in connection.execute(select(table))
        ]
        for table in _tables(connection).sorted_tables
    }


def _allocated(table: Table, name: str) -> bool:
    """Whether the database allocates the column: a table's lone integer primary key."""
    key = list(table.primary_key.columns)
    return len(key) == 1 and key[0].name == name and isinstance(key[0].type, Integer)


def _value(connection: Connection, table: Table, name: str) -> Any:
    column = table.columns[name]
    for foreign_key in column.foreign_keys:
        target = foreign_key.column
        return connection.scalar(select(target).limit(1))
    kind = column.type
    if isinstance(kind, Boolean):
        return True
    if isinstance(kind, Integer):
        return 7
    if isinstance(kind, (Float, Numeric)):
        return 1.5
    if isinstance(kind, DateTime):
        return MOMENT
    if isinstance(kind, String):
        length = kind.length or 40
        return f"{table.name}.{name}"[-length:]
    raise AssertionError(f"no value for {table.name}.{name} of type {kind!r}")


def _comparable(value: Any) -> Any:
    # SQLite gives naive datetimes back, PostgreSQL aware ones.
    return as_utc(value) if isinstance(value, datetime) else value
