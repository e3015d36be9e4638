"""transaction: orphan reports, the data of stops and meter values naming a transaction the
CSMS does not know (of that charge point), kept instead of refused

Revision ID: 0006_orphan_reports
Revises: 0005_event_identity
Create Date: 2026-12-07 00:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006_orphan_reports"
down_revision: str | Sequence[str] | None = "0005_event_identity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A new table only: nothing stored before changes.
    op.create_table(
        "orphan_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("charge_point_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("cause", sa.String(length=48), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=True),
        sa.Column("station_transaction_id", sa.String(length=36), nullable=True),
        sa.Column("evse_id", sa.Integer(), nullable=False),
        sa.Column("connector_id", sa.Integer(), nullable=False),
        sa.Column("meter_stop_wh", sa.Float(), nullable=True),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stop_reason", sa.String(length=32), nullable=True),
        sa.Column("id_tag", sa.String(), nullable=True),
        sa.Column("meter_values", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reconciled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reconciliation_note", sa.Text(), nullable=True),
        sa.Column("reconciled_transaction_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_orphan_reports"),
        sa.UniqueConstraint(
            "charge_point_id", "fingerprint", name="uq_orphan_reports_charge_point_id_fingerprint"
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_orphan_reports_charge_point_id_id", "orphan_reports", ["charge_point_id", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_orphan_reports_charge_point_id_id", table_name="orphan_reports")
    op.drop_table("orphan_reports")
