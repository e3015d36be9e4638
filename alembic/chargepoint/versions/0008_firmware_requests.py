"""Firmware requests the CSMS sent (signed updates, publications) and the status
notifications per request: FirmwareStatusNotification and PublishFirmwareStatusNotification
history (OCPP 2.0.1 L01-L04).

Revision ID: 0008_firmware_requests
Revises: 0007_charging_profiles
Create Date: 2026-12-07 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_firmware_requests"
down_revision: str | Sequence[str] | None = "0007_charging_profiles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "firmware_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("charge_point_id", sa.String(48), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(50), nullable=False),
        sa.Column("locations", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["charge_point_id"],
            ["charge_points.id"],
            name="fk_firmware_reports_charge_point_id_charge_points",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_firmware_reports"),
    )
    op.create_index(
        "ix_firmware_reports_charge_point_id_id", "firmware_reports", ["charge_point_id", "id"]
    )
    op.create_table(
        "firmware_requests",
        sa.Column("charge_point_id", sa.String(48), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("request_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("location", sa.String(512), nullable=False),
        sa.Column("retrieve_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("install_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed", sa.Boolean(), nullable=False),
        sa.Column("checksum", sa.String(32), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.String(50), nullable=False),
        sa.Column("unpublished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["charge_point_id"],
            ["charge_points.id"],
            name="fk_firmware_requests_charge_point_id_charge_points",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "charge_point_id", "kind", "request_id", name="pk_firmware_requests"
        ),
    )


def downgrade() -> None:
    op.drop_table("firmware_requests")
    op.drop_index("ix_firmware_reports_charge_point_id_id", table_name="firmware_reports")
    op.drop_table("firmware_reports")
