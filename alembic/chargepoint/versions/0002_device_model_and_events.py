"""OCPP 2.x: base-report admission state on charge points; device model variables,
security events and station (monitoring) events.

Revision ID: 0002_device_model_and_events
Revises: 0001_chargepoint_initial
Create Date: 2026-11-24 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_device_model_and_events"
down_revision: str | Sequence[str] | None = "0001_chargepoint_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _charge_point_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["charge_point_id"],
        ["charge_points.id"],
        name=f"fk_{table}_charge_point_id_charge_points",
        ondelete="CASCADE",
    )


def _schema() -> str | None:
    """The service's PostgreSQL schema (None on SQLite). servicekit.database maps table DDL
    into it with schema_translate_map, but ALTER TABLE names its table as a plain string
    that the map does not reach, so column changes name the schema themselves."""
    translate = op.get_bind().get_execution_options().get("schema_translate_map") or {}
    schema: str | None = translate.get(None)
    return schema


def upgrade() -> None:
    schema = _schema()
    op.add_column(
        "charge_points",
        sa.Column("base_report_owed", sa.Boolean(), server_default=sa.false(), nullable=False),
        schema=schema,
    )
    op.add_column(
        "charge_points",
        sa.Column("base_report_at", sa.DateTime(timezone=True), nullable=True),
        schema=schema,
    )
    op.add_column(
        "charge_points",
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        schema=schema,
    )
    op.create_table(
        "device_model_variables",
        sa.Column("charge_point_id", sa.String(48), nullable=False),
        sa.Column("component", sa.String(50), nullable=False),
        sa.Column("component_instance", sa.String(50), nullable=False),
        sa.Column("evse_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("connector_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("variable", sa.String(50), nullable=False),
        sa.Column("variable_instance", sa.String(50), nullable=False),
        sa.Column("attribute_type", sa.String(16), nullable=False),
        sa.Column("value", sa.String(2500), nullable=False),
        sa.Column("mutability", sa.String(16), nullable=False),
        sa.Column("data_type", sa.String(16), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("values_list", sa.String(1000), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        _charge_point_fk("device_model_variables"),
        sa.PrimaryKeyConstraint(
            "charge_point_id",
            "component",
            "component_instance",
            "evse_id",
            "connector_id",
            "variable",
            "variable_instance",
            "attribute_type",
            name="pk_device_model_variables",
        ),
    )
    op.create_table(
        "security_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("charge_point_id", sa.String(48), nullable=False),
        sa.Column("type", sa.String(50), nullable=False),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tech_info", sa.String(500), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        _charge_point_fk("security_events"),
        sa.PrimaryKeyConstraint("id", name="pk_security_events"),
    )
    op.create_index(
        "ix_security_events_charge_point_id_id", "security_events", ["charge_point_id", "id"]
    )
    op.create_table(
        "station_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("charge_point_id", sa.String(48), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("cause", sa.Integer(), nullable=False),
        sa.Column("actual_value", sa.String(2500), nullable=False),
        sa.Column("tech_code", sa.String(50), nullable=False),
        sa.Column("tech_info", sa.String(500), nullable=False),
        sa.Column("cleared", sa.Boolean(), nullable=False),
        sa.Column("transaction_id", sa.String(36), nullable=False),
        sa.Column("component", sa.String(50), nullable=False),
        sa.Column("evse_id", sa.Integer(), nullable=False),
        sa.Column("variable", sa.String(50), nullable=False),
        sa.Column("notification_type", sa.String(32), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        _charge_point_fk("station_events"),
        sa.PrimaryKeyConstraint("id", name="pk_station_events"),
    )
    op.create_index(
        "ix_station_events_charge_point_id_id", "station_events", ["charge_point_id", "id"]
    )


def downgrade() -> None:
    schema = _schema()
    op.drop_index("ix_station_events_charge_point_id_id", table_name="station_events")
    op.drop_table("station_events")
    op.drop_index("ix_security_events_charge_point_id_id", table_name="security_events")
    op.drop_table("security_events")
    op.drop_table("device_model_variables")
    # Plain ALTER TABLE DROP COLUMN (SQLite 3.35+): a batch rebuild would drop and recreate
    # charge_points, and with foreign keys on, that cascades into the tables referencing it.
    op.drop_column("charge_points", "reported_at", schema=schema)
    op.drop_column("charge_points", "base_report_at", schema=schema)
    op.drop_column("charge_points", "base_report_owed", schema=schema)
