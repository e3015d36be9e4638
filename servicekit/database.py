"""Async SQLAlchemy engines for a service's own database.

Embedded mode gives every service its own SQLite file; PostgreSQL gives every service its
own schema (named after the service) through SQLAlchemy's schema translation, so table
definitions carry no schema and the same migrations serve both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

NAMING_CONVENTION: Final = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""How every service's ``MetaData`` names constraints and indexes it is not given a name
for. Migrations carry these names, so changing an entry renames constraints in the schema:
that takes a migration in every service. An index gets ``ix_<table>_<columns>``, the name
the services also give their named indexes."""


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def schema_for(url: str | URL, service: str) -> str | None:
    """The schema a service's tables live in: none for SQLite, the service name elsewhere."""
    return None if is_sqlite(url) else service


def create_engine(url: str, service: str) -> AsyncEngine:
    """An engine for ``service``'s database. Creates the SQLite file's folder if needed."""
    parsed = make_url(url)
    options: dict[str, Any] = {"pool_pre_ping": True}
    if is_sqlite(parsed):
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        options["connect_args"] = {"timeout": 30}
    schema = schema_for(parsed, service)
    engine = create_async_engine(parsed, **options)
    if schema is not None:
        engine = engine.execution_options(schema_translate_map={None: schema})
    else:
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers (REST queries) run while the edge's writes commit.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
