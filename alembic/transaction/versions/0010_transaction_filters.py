"""transaction: filters of ListTransactions (issue 14): by id tag and by start time

Revision ID: 0010_transaction_filters
Revises: 0009_reservation_details
Create Date: 2026-12-07 00:00:00.000000

With millions of transactions, a page of one id tag's (newest first, keyset on id) and its
count read (id_tag, id); a start-time window reads started_at. The index on (id_tag,
status) stays: CountActiveTransactions reads it.
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0010_transaction_filters"
down_revision: str | Sequence[str] | None = "0009_reservation_details"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_transactions_id_tag_id", "transactions", ["id_tag", "id"])
    op.create_index("ix_transactions_started_at", "transactions", ["started_at"])


def downgrade() -> None:
    op.drop_index("ix_transactions_started_at", table_name="transactions")
    op.drop_index("ix_transactions_id_tag_id", table_name="transactions")
