"""transaction: who ended a transaction in the CSMS, and why (its closure), for the
transactions an operator or a CSMS policy ends when the station never will

Revision ID: 0008_administrative_end
Revises: 0007_loose_meter_reports
Create Date: 2026-12-07 00:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008_administrative_end"
down_revision: str | Sequence[str] | None = "0007_loose_meter_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _schema() -> str | None:
    """The service's PostgreSQL schema (None on SQLite); see 0003."""
    return op.get_context().version_table_schema


def upgrade() -> None:
    # Nullable: every transaction so far ended by its station, or not at all.
    for column in (
        sa.Column("closure_cause", sa.String(16), nullable=True),
        sa.Column("closure_note", sa.Text(), nullable=True),
        sa.Column("closed_by", sa.String(100), nullable=True),
    ):
        op.add_column("transactions", column, schema=_schema())


def downgrade() -> None:
    with op.batch_alter_table("transactions", schema=_schema()) as batch:
        batch.drop_column("closed_by")
        batch.drop_column("closure_note")
        batch.drop_column("closure_cause")
