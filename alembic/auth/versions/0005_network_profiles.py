"""auth_svc: network profiles offered to stations, and the pending security profile upgrade
(issue 13; OCPP 2.0.1 B09, A05).

Revision ID: 0005_network_profiles
Revises: 0004_id_token_types
Create Date: 2026-12-07 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_network_profiles"
down_revision: str | Sequence[str] | None = "0004_id_token_types"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: no charge point has an upgrade pending before this revision.
    op.add_column(
        "charge_point_credentials",
        sa.Column("pending_security_profile", sa.Integer(), nullable=True),
    )
    op.create_table(
        "network_profiles",
        sa.Column("charge_point_id", sa.String(length=48), nullable=False),
        sa.Column("configuration_slot", sa.Integer(), nullable=False),
        sa.Column("security_profile", sa.Integer(), nullable=False),
        sa.Column("connection", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "charge_point_id", "configuration_slot", name=op.f("pk_network_profiles")
        ),
    )


def downgrade() -> None:
    op.drop_table("network_profiles")
    with op.batch_alter_table("charge_point_credentials") as batch:
        batch.drop_column("pending_security_profile")
