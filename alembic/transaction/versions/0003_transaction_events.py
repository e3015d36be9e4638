"""transaction: OCPP 2.x transaction events

Revision ID: 0003_transaction_events
Revises: 0002_reservations
Create Date: 2026-11-24 00:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003_transaction_events"
down_revision: str | Sequence[str] | None = "0002_reservations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATION_ID_INDEX = "ux_transactions_charge_point_id_station_transaction_id"
_HAS_STATION_ID = "station_transaction_id IS NOT NULL"


def _schema() -> str | None:
    """The service's PostgreSQL schema (None on SQLite). Alembic writes ALTER TABLE itself,
    past the engine's schema_translate_map, so column changes must name it."""
    return op.get_context().version_table_schema


def upgrade() -> None:
    # Plain ADD COLUMNs: no batch copy of `transactions`, which other tables reference.
    schema = _schema()
    op.add_column(
        "transactions",
        sa.Column("station_transaction_id", sa.String(length=36), nullable=True),
        schema=schema,
    )
    op.add_column(
        "transactions",
        sa.Column("charging_state", sa.String(length=32), nullable=True),
        schema=schema,
    )
    op.create_index(
        _STATION_ID_INDEX,
        "transactions",
        ["charge_point_id", "station_transaction_id"],
        unique=True,
        sqlite_where=sa.text(_HAS_STATION_ID),
        postgresql_where=sa.text(_HAS_STATION_ID),
    )
    op.create_table(
        "transaction_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("seq_no", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(length=16), nullable=False),
        sa.Column("trigger_reason", sa.String(length=64), nullable=False),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offline", sa.Boolean(), nullable=False),
        sa.Column("charging_state", sa.String(length=32), nullable=True),
        sa.Column("id_tag", sa.String(length=36), nullable=True),
        sa.Column("authorization_status", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.id"],
            name="fk_transaction_events_transaction_id_transactions",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_transaction_events"),
        sa.UniqueConstraint(
            "transaction_id", "seq_no", name="uq_transaction_events_transaction_id_seq_no"
        ),
    )


def downgrade() -> None:
    op.drop_table("transaction_events")
    op.drop_index(_STATION_ID_INDEX, table_name="transactions")
    # SQLite drops columns since 3.35 with a plain ALTER TABLE ... DROP COLUMN.
    op.drop_column("transactions", "charging_state", schema=_schema())
    op.drop_column("transactions", "station_transaction_id", schema=_schema())
