"""The migrations build exactly the tables of ``transaction_svc.adapters.tables``, on SQLite
and PostgreSQL, upgrade a database of any earlier revision with its rows in place, and can
be undone."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from servicekit.database import create_engine, is_sqlite
from servicekit.migrations import config_for, upgrade
from tests.support.migrations import revisions, upgrade_keeps_rows
from transaction_svc.adapters.sql import SqlUnitOfWork
from transaction_svc.adapters.tables import metadata
from transaction_svc.domain.authorization import Authorization, AuthorizationStatus
from transaction_svc.domain.transaction import TransactionStatus


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
        await asyncio.to_thread(command.downgrade, config, "0003_transaction_events")
        async with engine.connect() as connection:
            assert "meter_reports" not in await connection.run_sync(_table_names)
            columns = await connection.run_sync(_column_names, "transaction_events")
            assert not {"authorization_expires_at", "parent_id_tag"} & columns
        await asyncio.to_thread(upgrade, "transaction", database_url)
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


# What makes the generated rows the service's own: names of its enums.
ROWS = {
    "transactions": {
        "status": "COMPLETED",
        "authorization_status": "ACCEPTED",
        "stop_reason": "LOCAL",
        "ocpp_version": "1.6",
        "closure_cause": "OPERATOR",
        "id_token_type": "ISO14443",
    },
    "reservations": {
        "status": "USED",
        "station_status": "ACCEPTED",
        "station_update": "Expired",
        "id_token_type": "ISO14443",
        "connector_type": "cType2",
    },
    "transaction_events": {"event_type": "ENDED", "authorization_status": "ACCEPTED"},
}


@pytest.mark.parametrize("start", revisions("transaction", "sqlite://")[:-1])
async def test_upgrade_from_every_earlier_revision_keeps_the_rows(
    database_url: str, start: str
) -> None:
    after = await upgrade_keeps_rows(database_url, "transaction", start, ROWS)
    # The service reads them as they were.
    engine = create_engine(database_url, "transaction")
    try:
        async with SqlUnitOfWork(engine) as uow:
            (row,) = after["transactions"]
            transaction = await uow.transactions.get(row["id"])
            assert transaction is not None
            assert transaction.status is TransactionStatus.COMPLETED
            assert transaction.station_transaction_id == row["station_transaction_id"]
            for reservation in after["reservations"]:
                assert await uow.reservations.get(reservation["id"]) is not None
            for recorded in after["transaction_events"]:
                (event,) = await uow.transaction_events.of_transaction(recorded["transaction_id"])
                assert event.authorization_status is AuthorizationStatus.ACCEPTED
                if start < "0004_retries":
                    # Recorded before 0004: a repeat of it is answered with the status alone.
                    assert event.authorization() == Authorization(AuthorizationStatus.ACCEPTED)
                # A repeat of it is still found by what it was.
                assert await uow.transaction_events.find(event.transaction_id, event.identity)
            if start < "0004_retries":
                assert after["meter_reports"] == []
    finally:
        await engine.dispose()
