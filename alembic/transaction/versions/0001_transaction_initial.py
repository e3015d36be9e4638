"""transaction: transactions and meter values

Revision ID: 0001_transaction_initial
Revises:
Create Date: 2025-01-01 00:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0001_transaction_initial"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "transactions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("charge_point_id", sa.String(), nullable=False),
        sa.Column("evse_id", sa.Integer(), nullable=False),
        sa.Column("connector_id", sa.Integer(), nullable=False),
        sa.Column("id_tag", sa.String(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("meter_start_wh", sa.Float(), nullable=False),
        sa.Column("meter_stop_wh", sa.Float(), nullable=True),
        sa.Column("energy_wh", sa.Float(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stop_reason", sa.String(length=32), nullable=True),
        sa.Column("stop_id_tag", sa.String(), nullable=True),
        sa.Column("reservation_id", sa.Integer(), nullable=True),
        sa.Column("ocpp_version", sa.String(length=16), nullable=False),
        sa.Column("authorization_status", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_transactions"),
        # Ids (OCPP 1.6 transactionIds) are never handed out twice on SQLite either.
        sqlite_autoincrement=True,
    )
    op.create_index("ix_transactions_id_tag_status", "transactions", ["id_tag", "status"])
    op.create_index("ix_transactions_charge_point_id_id", "transactions", ["charge_point_id", "id"])
    op.create_table(
        "meter_values",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=True),
        sa.Column("charge_point_id", sa.String(), nullable=False),
        sa.Column("evse_id", sa.Integer(), nullable=False),
        sa.Column("connector_id", sa.Integer(), nullable=False),
        sa.Column("sampled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("measurand", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("context", sa.String(), nullable=False),
        sa.Column("phase", sa.String(), nullable=False),
        sa.Column("location", sa.String(), nullable=False),
        sa.Column("signed_data", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.id"],
            name="fk_meter_values_transaction_id_transactions",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_meter_values"),
    )
    op.create_index(
        "ix_meter_values_transaction_id_sampled_at",
        "meter_values",
        ["transaction_id", "sampled_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_meter_values_transaction_id_sampled_at", table_name="meter_values")
    op.drop_table("meter_values")
    op.drop_index("ix_transactions_charge_point_id_id", table_name="transactions")
    op.drop_index("ix_transactions_id_tag_status", table_name="transactions")
    op.drop_table("transactions")
