"""transaction: a TransactionEvent is the same event by seqNo, eventType, timestamp and
triggerReason, not by seqNo alone

Revision ID: 0005_event_identity
Revises: 0004_retries
Create Date: 2026-12-07 00:00:00.000000

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005_event_identity"
down_revision: str | Sequence[str] | None = "0004_retries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SEQ_NO = "uq_transaction_events_transaction_id_seq_no"
_IDENTITY = "uq_transaction_events_identity"


def _schema() -> str | None:
    """The service's PostgreSQL schema (None on SQLite); see 0003."""
    return op.get_context().version_table_schema


def upgrade() -> None:
    # Stations that number every event 0 had their later events taken for repeats; the
    # wider constraint lets them be recorded. Rows recorded before satisfy it already.
    # SQLite cannot drop a constraint in place: batch mode copies the table (nothing
    # references transaction_events, so the copy is safe).
    with op.batch_alter_table("transaction_events", schema=_schema()) as batch:
        batch.drop_constraint(_SEQ_NO, type_="unique")
        batch.create_unique_constraint(
            _IDENTITY, ["transaction_id", "seq_no", "event_type", "timestamp", "trigger_reason"]
        )


def downgrade() -> None:
    # Fails when a transaction recorded two events with one seqNo: that data has no place
    # in the older schema, and a downgrade must not throw it away silently.
    with op.batch_alter_table("transaction_events", schema=_schema()) as batch:
        batch.drop_constraint(_IDENTITY, type_="unique")
        batch.create_unique_constraint(_SEQ_NO, ["transaction_id", "seq_no"])
