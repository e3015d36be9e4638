"""Apply a service's Alembic migrations, and the shared body of every ``env.py``.

Each service owns one Alembic environment under ``alembic/<service>/``; its version table
lives beside its tables (its SQLite file, or its PostgreSQL schema).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from servicekit.database import create_engine, schema_for

ALEMBIC_DIR = Path(__file__).resolve().parent.parent / "alembic"
SERVICES = ("chargepoint", "transaction", "auth")


def config_for(service: str, url: str) -> Config:
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; expected one of {SERVICES}")
    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR / service))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["service"] = service
    return config


def upgrade(service: str, url: str, revision: str = "head") -> None:
    """Bring ``service``'s database to ``revision``. Blocking: call outside an event loop
    (or through ``asyncio.to_thread``)."""
    command.upgrade(config_for(service, url), revision)


def run_env(metadata: MetaData, service: str) -> None:
    """The body of ``alembic/<service>/env.py``: online migrations over an async engine."""
    url = context.config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("sqlalchemy.url is not set for the migration")
    schema = schema_for(url, service)
    if context.is_offline_mode():
        context.configure(
            url=url,
            target_metadata=metadata,
            version_table_schema=schema,
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url, metadata, service, schema))


async def _run_online(url: str, metadata: MetaData, service: str, schema: str | None) -> None:
    if schema is not None:
        # The schema must exist before the version table can be created in it.
        bootstrap = create_async_engine(url)
        async with bootstrap.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        await bootstrap.dispose()
    # No statement timeout: a migration may rightly run long.
    engine = create_engine(url, service, timeout=None)
    async with engine.connect() as connection:
        if schema is not None:
            # schema_translate_map reaches CREATE TABLE but not the table named in an
            # ALTER TABLE (op.add_column and friends): with the search path on the service's
            # schema, both land there.
            await connection.execute(text(f'SET search_path TO "{schema}"'))
        await connection.run_sync(_migrate, metadata, schema)
        await connection.commit()
    await engine.dispose()


def _migrate(connection: Connection, metadata: MetaData, schema: str | None) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table_schema=schema,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
