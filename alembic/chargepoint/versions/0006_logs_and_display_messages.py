"""Requests sent to stations and their reports (logs, customer information, display
message reports), and the display messages each station shows.

Revision ID: 0006_logs_and_display_messages
Revises: 0005_monitoring
Create Date: 2026-12-07 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_logs_and_display_messages"
down_revision: str | Sequence[str] | None = "0005_monitoring"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "station_requests",
        sa.Column("charge_point_id", sa.String(48), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("request_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(255), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.String(32), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["charge_point_id"],
            ["charge_points.id"],
            name="fk_station_requests_charge_point_id_charge_points",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "charge_point_id", "kind", "request_id", name="pk_station_requests"
        ),
    )
    op.create_table(
        "request_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("charge_point_id", sa.String(48), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seq_no", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("tbc", sa.Boolean(), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["charge_point_id", "kind", "request_id"],
            [
                "station_requests.charge_point_id",
                "station_requests.kind",
                "station_requests.request_id",
            ],
            name="fk_request_reports_charge_point_id_station_requests",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_request_reports"),
    )
    op.create_index(
        "ix_request_reports_request",
        "request_reports",
        ["charge_point_id", "kind", "request_id", "id"],
    )
    op.create_table(
        "display_messages",
        sa.Column("charge_point_id", sa.String(48), nullable=False),
        sa.Column("message_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["charge_point_id"],
            ["charge_points.id"],
            name="fk_display_messages_charge_point_id_charge_points",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("charge_point_id", "message_id", name="pk_display_messages"),
    )


def downgrade() -> None:
    op.drop_table("display_messages")
    op.drop_index("ix_request_reports_request", table_name="request_reports")
    op.drop_table("request_reports")
    op.drop_table("station_requests")
