"""The charge point service's first tables: charge points, connectors, data transfers.

Revision ID: 0001_chargepoint_initial
Revises:
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_chargepoint_initial"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "charge_points",
        sa.Column("id", sa.String(48), nullable=False),
        sa.Column("registration_status", sa.String(16), nullable=False),
        sa.Column("vendor", sa.String(50), nullable=False),
        sa.Column("model", sa.String(20), nullable=False),
        sa.Column("serial_number", sa.String(25), nullable=False),
        sa.Column("firmware_version", sa.String(50), nullable=False),
        sa.Column("ocpp_version", sa.String(8), nullable=False),
        sa.Column("iccid", sa.String(20), nullable=False),
        sa.Column("imsi", sa.String(20), nullable=False),
        sa.Column("meter_type", sa.String(25), nullable=False),
        sa.Column("meter_serial_number", sa.String(25), nullable=False),
        sa.Column("last_boot_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("firmware_status", sa.String(50), nullable=False),
        sa.Column("diagnostics_status", sa.String(50), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_charge_points"),
    )
    op.create_table(
        "connectors",
        sa.Column("charge_point_id", sa.String(48), nullable=False),
        sa.Column("evse_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("connector_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error_code", sa.String(50), nullable=False),
        sa.Column("info", sa.String(50), nullable=False),
        sa.Column("vendor_id", sa.String(255), nullable=False),
        sa.Column("vendor_error_code", sa.String(50), nullable=False),
        sa.Column("status_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["charge_point_id"],
            ["charge_points.id"],
            name="fk_connectors_charge_point_id_charge_points",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("charge_point_id", "evse_id", "connector_id", name="pk_connectors"),
    )
    op.create_table(
        "data_transfers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("charge_point_id", sa.String(48), nullable=False),
        sa.Column("vendor_id", sa.String(255), nullable=False),
        sa.Column("message_id", sa.String(50), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["charge_point_id"],
            ["charge_points.id"],
            name="fk_data_transfers_charge_point_id_charge_points",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_data_transfers"),
    )
    op.create_index(
        "ix_data_transfers_charge_point_id_received_at",
        "data_transfers",
        ["charge_point_id", "received_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_data_transfers_charge_point_id_received_at", table_name="data_transfers")
    op.drop_table("data_transfers")
    op.drop_table("connectors")
    op.drop_table("charge_points")
