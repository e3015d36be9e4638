"""transaction: what a station's retries need, to be stored once and answered alike

Revision ID: 0004_retries
Revises: 0003_transaction_events
Create Date: 2026-12-01 00:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004_retries"
down_revision: str | Sequence[str] | None = "0003_transaction_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _schema() -> str | None:
    """The service's PostgreSQL schema (None on SQLite); see 0003."""
    return op.get_context().version_table_schema


def upgrade() -> None:
    # A MeterValues.req repeated by its station is known by its fingerprint. The meter
    # values stored before keep their rows; a report repeated across the upgrade is stored
    # twice, as it was before it.
    op.create_table(
        "meter_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("charge_point_id", sa.String(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.id"],
            name="fk_meter_reports_transaction_id_transactions",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_meter_reports"),
        sa.UniqueConstraint(
            "charge_point_id", "fingerprint", name="uq_meter_reports_charge_point_id_fingerprint"
        ),
    )
    # A repeated TransactionEvent is answered with the whole idTokenInfo of the first time.
    # Events recorded before have only the status, which a repeat of them gets (as before).
    op.add_column(
        "transaction_events",
        sa.Column("authorization_expires_at", sa.DateTime(timezone=True), nullable=True),
        schema=_schema(),
    )
    op.add_column(
        "transaction_events",
        sa.Column("parent_id_tag", sa.String(length=36), nullable=True),
        schema=_schema(),
    )


def downgrade() -> None:
    op.drop_column("transaction_events", "parent_id_tag", schema=_schema())
    op.drop_column("transaction_events", "authorization_expires_at", schema=_schema())
    op.drop_table("meter_reports")
