"""Smart charging as stations report it: the profiles each station holds, the external
limits in force, and what ISO 15118 EVs asked for (OCPP 2.0.1 K09, K12/K13, K15/K17); and
the operator's library of charging profiles and power limit per station.

Revision ID: 0007_charging_profiles
Revises: 0006_logs_and_display_messages
Create Date: 2026-12-07 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_charging_profiles"
down_revision: str | Sequence[str] | None = "0006_logs_and_display_messages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _charge_point_id() -> sa.Column[str]:
    return sa.Column("charge_point_id", sa.String(48), nullable=False)


def _charge_point_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["charge_point_id"],
        ["charge_points.id"],
        name=f"fk_{table}_charge_point_id_charge_points",
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "station_charging_profiles",
        _charge_point_id(),
        sa.Column("evse_id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        _charge_point_key("station_charging_profiles"),
        sa.PrimaryKeyConstraint(
            "charge_point_id", "evse_id", "profile_id", name="pk_station_charging_profiles"
        ),
    )
    op.create_table(
        "charging_limits",
        _charge_point_id(),
        sa.Column("evse_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("grid_critical", sa.Boolean(), nullable=False),
        sa.Column("limit_w", sa.Float(), nullable=True),
        sa.Column("schedule", sa.Text(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        _charge_point_key("charging_limits"),
        sa.PrimaryKeyConstraint("charge_point_id", "evse_id", "source", name="pk_charging_limits"),
    )
    op.create_table(
        "ev_charging_needs",
        _charge_point_id(),
        sa.Column("evse_id", sa.Integer(), nullable=False),
        sa.Column("energy_transfer", sa.String(20), nullable=False),
        sa.Column("energy_wh", sa.Float(), nullable=True),
        sa.Column("max_power_w", sa.Float(), nullable=False),
        sa.Column("departure", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offered", sa.Text(), nullable=False),
        sa.Column("ev_schedule", sa.Text(), nullable=False),
        sa.Column("ev_schedule_accepted", sa.Boolean(), nullable=False),
        _charge_point_key("ev_charging_needs"),
        sa.PrimaryKeyConstraint("charge_point_id", "evse_id", name="pk_ev_charging_needs"),
    )

    op.create_table(
        "charging_profile_library",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_charging_profile_library"),
    )
    op.create_table(
        "station_site_limits",
        _charge_point_id(),
        sa.Column("max_power_w", sa.Float(), nullable=False),
        _charge_point_key("station_site_limits"),
        sa.PrimaryKeyConstraint("charge_point_id", name="pk_station_site_limits"),
    )


def downgrade() -> None:
    op.drop_table("station_site_limits")
    op.drop_table("charging_profile_library")
    op.drop_table("ev_charging_needs")
    op.drop_table("charging_limits")
    op.drop_table("station_charging_profiles")
