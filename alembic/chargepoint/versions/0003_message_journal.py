"""The message journal: every OCPP frame in and out, per charge point.

Revision ID: 0003_message_journal
Revises: 0002_device_model_and_events
Create Date: 2026-11-24 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_message_journal"
down_revision: str | Sequence[str] | None = "0002_device_model_and_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "journal_entries",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("charge_point_id", sa.String(48), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("message_type", sa.String(10), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("truncated", sa.Boolean(), nullable=False),
        sa.Column("ocpp_version", sa.String(8), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_journal_entries"),
    )
    op.create_index(
        "ix_journal_entries_charge_point_id_at", "journal_entries", ["charge_point_id", "at"]
    )
    op.create_index("ix_journal_entries_at", "journal_entries", ["at"])


def downgrade() -> None:
    op.drop_index("ix_journal_entries_at", table_name="journal_entries")
    op.drop_index("ix_journal_entries_charge_point_id_at", table_name="journal_entries")
    op.drop_table("journal_entries")
