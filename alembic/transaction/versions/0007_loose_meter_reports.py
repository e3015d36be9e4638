"""transaction: an index on the meter reports' transaction, so the purge finds the reports of
no transaction without reading every report

Revision ID: 0007_loose_meter_reports
Revises: 0006_orphan_reports
Create Date: 2026-12-07 00:00:00.000000

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007_loose_meter_reports"
down_revision: str | Sequence[str] | None = "0006_orphan_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # An index only: nothing stored changes.
    op.create_index("ix_meter_reports_transaction_id", "meter_reports", ["transaction_id"])


def downgrade() -> None:
    op.drop_index("ix_meter_reports_transaction_id", table_name="meter_reports")
