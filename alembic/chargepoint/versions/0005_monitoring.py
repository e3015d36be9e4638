"""OCPP 2.x monitoring (issue 13): the monitors each station keeps, and on station events
the monitor that raised each and its severity.

Revision ID: 0005_monitoring
Revises: 0003_message_journal
Create Date: 2026-12-07 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_monitoring"
down_revision: str | Sequence[str] | None = "0003_message_journal"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _schema() -> str | None:
    """The service's PostgreSQL schema (None on SQLite): ALTER TABLE names its table as a
    plain string that servicekit.database's schema_translate_map does not reach."""
    translate = op.get_bind().get_execution_options().get("schema_translate_map") or {}
    schema: str | None = translate.get(None)
    return schema


def upgrade() -> None:
    schema = _schema()
    op.add_column(
        "station_events",
        sa.Column("variable_monitoring_id", sa.Integer(), nullable=True),
        schema=schema,
    )
    op.add_column(
        "station_events", sa.Column("severity", sa.Integer(), nullable=True), schema=schema
    )
    op.create_table(
        "station_monitors",
        sa.Column("charge_point_id", sa.String(48), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("component", sa.String(50), nullable=False),
        sa.Column("component_instance", sa.String(50), nullable=False),
        sa.Column("evse_id", sa.Integer(), nullable=False),
        sa.Column("connector_id", sa.Integer(), nullable=False),
        sa.Column("variable", sa.String(50), nullable=False),
        sa.Column("variable_instance", sa.String(50), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("transaction", sa.Boolean(), nullable=False),
        sa.Column("notification_type", sa.String(32), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["charge_point_id"],
            ["charge_points.id"],
            name="fk_station_monitors_charge_point_id_charge_points",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("charge_point_id", "id", name="pk_station_monitors"),
    )


def downgrade() -> None:
    schema = _schema()
    op.drop_table("station_monitors")
    # Plain ALTER TABLE DROP COLUMN (SQLite 3.35+), as 0002 does: a batch rebuild would
    # recreate the table.
    op.drop_column("station_events", "severity", schema=schema)
    op.drop_column("station_events", "variable_monitoring_id", schema=schema)
