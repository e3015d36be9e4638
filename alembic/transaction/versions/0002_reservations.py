"""transaction: reservations

Revision ID: 0002_reservations
Revises: 0001_transaction_initial
Create Date: 2025-02-01 00:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002_reservations"
down_revision: str | Sequence[str] | None = "0001_transaction_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reservations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("charge_point_id", sa.String(), nullable=False),
        sa.Column("evse_id", sa.Integer(), nullable=False),
        sa.Column("id_tag", sa.String(length=36), nullable=False),
        sa.Column("parent_id_tag", sa.String(length=36), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("station_status", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.id"],
            name="fk_reservations_transaction_id_transactions",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_reservations"),
        # Reservation ids (OCPP reservationIds) are never handed out twice on SQLite either.
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_reservations_charge_point_id_status", "reservations", ["charge_point_id", "status"]
    )
    op.create_index("ix_reservations_charge_point_id_id", "reservations", ["charge_point_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_reservations_charge_point_id_id", table_name="reservations")
    op.drop_index("ix_reservations_charge_point_id_status", table_name="reservations")
    op.drop_table("reservations")
