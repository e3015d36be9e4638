"""Async SQLAlchemy engines for a service's own database, and what counts as the database
being unavailable.

Embedded mode gives every service its own SQLite file; PostgreSQL gives every service its
own schema (named after the service) through SQLAlchemy's schema translation, so table
definitions carry no schema and the same migrations serve both.

A database that goes away must cost the calls made meanwhile a clear error, and nothing
after it comes back: no restart, no connection of the pool left broken. The pool tests a
connection before lending it (``pool_pre_ping``), so connections cut while idle are
replaced; one lost during a statement is discarded by SQLAlchemy (asyncpg reports it
closed). Every wait for PostgreSQL is bounded (connecting, one statement, a free pooled
connection), so a database that stops answering without closing anything (a dead network
path) fails a call in about its deadline instead of hanging it and holding its pooled
connection; asyncpg closes a connection whose timed-out statement it cannot cancel, and
SQLAlchemy then discards it too. ``tests/faults/test_database_engine.py`` holds both
against a real PostgreSQL behind a proxy. :func:`outage` tells those failures apart from
a statement the database refused, for :mod:`servicekit.grpc_server` to answer UNAVAILABLE
(retry later) rather than INTERNAL (a bug).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Table, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql, sqlite
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


Upsert = postgresql.Insert | sqlite.Insert
DIALECT_INSERTS: Final[dict[str, Callable[[Table], Upsert]]] = {
    "postgresql": postgresql.insert,
    "sqlite": sqlite.insert,
}
"""The INSERT that can say ON CONFLICT, by dialect name (``connection.dialect.name``):
statements of the hot paths are built once per dialect at import, then looked up."""


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def schema_for(url: str | URL, service: str) -> str | None:
    """The schema a service's tables live in: none for SQLite, the service name elsewhere."""
    return None if is_sqlite(url) else service


SQLITE_POOL: Final[dict[str, Any]] = {
    "connect_args": {"timeout": 30},
    "pool_size": 1,
    "max_overflow": 0,
}
SQLITE_POOL_TIMEOUT: Final = 30.0
"""How a service holds its SQLite file: through one connection, which its units of work
take in turn. SQLite lets one writer at a time in, and a second connection that finds the
file locked waits in SQLite's busy handler, which sleeps in steps of up to 100 ms: with
16 calls in flight that put the 99th percentile of a Heartbeat at 760 ms. Waiting for the
one connection in the pool is a queue in the event loop instead, served in order
(``python -m bench.service_calls``: 59 ms at 16 in flight, each call about 3 ms). A file
connection does not go stale the way a network one does, so it is not pinged before each
use (``pool_pre_ping``, one more round trip to SQLite's thread per unit of work)."""

DATABASE_TIMEOUT: Final = 5.0
"""Seconds a service waits for PostgreSQL unless told otherwise (the default
``CSMS_GRPC_TIMEOUT``): to connect, for one statement, for a free pooled connection."""


def create_engine(
    url: str, service: str, *, timeout: float | None = DATABASE_TIMEOUT
) -> AsyncEngine:
    """An engine for ``service``'s database. Creates the SQLite file's folder if needed.

    ``timeout`` bounds every wait for PostgreSQL (see the module docstring); a service
    passes its calls' deadline. None keeps the driver's own limits, for migrations, whose
    statements may rightly run long.
    """
    parsed = make_url(url)
    options: dict[str, Any] = {}
    if not is_sqlite(parsed):
        options["pool_pre_ping"] = True
        if timeout is not None:
            options["pool_timeout"] = timeout
            if parsed.get_driver_name() == "asyncpg":
                options["connect_args"] = {"timeout": timeout, "command_timeout": timeout}
    elif parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        options.update(SQLITE_POOL, pool_timeout=timeout or SQLITE_POOL_TIMEOUT)
    schema = schema_for(parsed, service)
    engine = create_async_engine(parsed, **options)
    if schema is not None:
        engine = engine.execution_options(schema_translate_map={None: schema})
    else:
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


# SQLSTATEs (PostgreSQL Appendix A) that say the server cannot serve now, by prefix.
_UNAVAILABLE_STATES: Final = {
    "08": "the connection to it failed",
    "57P01": "it is shutting down",
    "57P02": "it is shutting down",
    "57P03": "it is not accepting connections now",
    "53300": "it has no free connection slot",
    "53": "it lacks the resources",
}


def outage(error: BaseException) -> str | None:
    """Why the database could not be used, when ``error`` (or what it wraps) says the
    database was unreachable, lost the connection, or did not answer in time; None when
    it is about the statement itself (a constraint, a type), which a retry cannot fix.

    The answer is short and names no host: it ends up in a station's CALLERROR.
    """
    causes = list(_causes(error))
    for cause in causes:
        reason = _network_reason(cause)
        if reason is not None:
            return reason
    for cause in causes:
        if isinstance(cause, sa_exc.TimeoutError):
            return "every connection to it is busy"
        if isinstance(cause, (sa_exc.OperationalError, sa_exc.InterfaceError)):
            # SQLite's "database is locked", "unable to open database file", ...
            text = str(cause.orig).strip()
            return text.splitlines()[0][:120] if text else type(cause.orig).__name__
    return None


def _network_reason(cause: BaseException) -> str | None:
    state = getattr(cause, "sqlstate", None)
    if isinstance(state, str):
        for prefix in sorted(_UNAVAILABLE_STATES, key=len, reverse=True):
            if state.startswith(prefix):
                return _UNAVAILABLE_STATES[prefix]
    if isinstance(cause, sa_exc.DBAPIError) and cause.connection_invalidated:
        return "the connection to it was lost"
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    if isinstance(cause, ConnectionError):
        return "the connection to it was lost"
    if isinstance(cause, TimeoutError):
        return "it did not answer in time"
    if isinstance(cause, socket.gaierror):
        return "its host name does not resolve"
    if isinstance(cause, OSError):
        return os.strerror(cause.errno) if cause.errno else "a network error"
    return None


def _causes(error: BaseException) -> Iterator[BaseException]:
    """``error``, the driver's error it wraps, and what those were raised from."""
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending and len(seen) < 16:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        wrapped = getattr(current, "orig", None) if isinstance(current, sa_exc.DBAPIError) else None
        pending.extend(
            e
            for e in (wrapped, current.__cause__, current.__context__)
            if isinstance(e, BaseException)
        )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers (REST queries) run while the edge's writes commit.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
