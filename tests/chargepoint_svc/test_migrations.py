"""The migrations build exactly the tables of ``tables.metadata``, and undo them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from chargepoint_svc.adapters.tables import metadata
from servicekit import migrations
from servicekit.database import schema_for
from tests.support.migrations import revisions, upgrade_keeps_rows


async def _on_service_schema(database_url: str, check: Any) -> Any:
    """Run ``check(connection)`` with the service's schema as the default one, so that
    reflection sees its tables as a schema-less MetaData declares them."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            schema = schema_for(database_url, "chargepoint")
            if schema is not None:
                await connection.execute(text(f'SET search_path TO "{schema}"'))
            return await connection.run_sync(check)
    finally:
        await engine.dispose()


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_upgrade_matches_the_tables_and_downgrade_removes_them(database_url: str) -> None:
    await asyncio.to_thread(migrations.upgrade, "chargepoint", database_url)
    assert await _on_service_schema(database_url, _tables) == {
        "alembic_version",
        "charge_points",
        "connectors",
        "data_transfers",
        "device_model_variables",
        "security_events",
        "station_events",
        "journal_entries",
        "station_monitors",
        "station_requests",
        "request_reports",
        "display_messages",
        "station_charging_profiles",
        "charging_limits",
        "ev_charging_needs",
        "charging_profile_library",
        "station_site_limits",
        "firmware_reports",
        "firmware_requests",
    }
    assert await _on_service_schema(database_url, _differences) == []

    config = migrations.config_for("chargepoint", database_url)
    await asyncio.to_thread(command.downgrade, config, "base")
    assert await _on_service_schema(database_url, _tables) == {"alembic_version"}

    await asyncio.to_thread(migrations.upgrade, "chargepoint", database_url)
    assert await _on_service_schema(database_url, _differences) == []


def _insert_charge_point(connection: Connection) -> None:
    connection.execute(
        text(
            "INSERT INTO charge_points (id, registration_status, vendor, model, serial_number,"
            " firmware_version, ocpp_version, iccid, imsi, meter_type, meter_serial_number,"
            " firmware_status, diagnostics_status, created_at, updated_at) VALUES ('CP1',"
            " 'PENDING', '', '', '', '', '2.0.1', '', '', '', '', '', '',"
            " '2025-01-01 00:00:00+00:00', '2025-01-01 00:00:00+00:00')"
        )
    )
    connection.commit()


def _charge_point_rows(connection: Connection) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in connection.execute(text("SELECT * FROM charge_points"))]


def _owed(connection: Connection) -> list[tuple[Any, ...]]:
    query = text("SELECT id, base_report_owed, base_report_at, reported_at FROM charge_points")
    return [tuple(row) for row in connection.execute(query)]


async def test_0002_keeps_charge_points_both_ways(database_url: str) -> None:
    """Stations registered before 0002 owe no base report; 0002's downgrade keeps them."""
    config = migrations.config_for("chargepoint", database_url)
    await asyncio.to_thread(command.upgrade, config, "0001_chargepoint_initial")
    await _on_service_schema(database_url, _insert_charge_point)
    before = await _on_service_schema(database_url, _charge_point_rows)

    await asyncio.to_thread(command.upgrade, config, "head")
    assert await _on_service_schema(database_url, _owed) == [("CP1", False, None, None)]

    await asyncio.to_thread(command.downgrade, config, "0001_chargepoint_initial")
    assert await _on_service_schema(database_url, _charge_point_rows) == before
    assert "station_events" not in await _on_service_schema(database_url, _tables)


ROWS = {
    "charge_points": {"registration_status": "ACCEPTED", "ocpp_version": "2.0.1"},
    "connectors": {"status": "AVAILABLE"},
    "journal_entries": {"direction": "IN", "message_type": "CALL"},
}


@pytest.mark.parametrize("start", revisions("chargepoint", "sqlite://")[:-1])
async def test_upgrade_from_every_earlier_revision_keeps_the_rows(
    database_url: str, start: str
) -> None:
    after = await upgrade_keeps_rows(database_url, "chargepoint", start, ROWS)
    assert [row["id"] for row in after["charge_points"]] == ["charge_points.id"]


async def test_journal_entries_survive_a_later_upgrade_from_0003(database_url: str) -> None:
    """0003 is head today; this keeps a journal row through every later revision."""
    after = await upgrade_keeps_rows(database_url, "chargepoint", "0003_message_journal", ROWS)
    assert [row["direction"] for row in after["journal_entries"]] == ["IN"]
