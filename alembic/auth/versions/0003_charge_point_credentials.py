"""auth_svc: charge point credentials (security profile, Basic auth password hashes).

Revision ID: 0003_charge_point_credentials
Revises: 0002_local_list
Create Date: 2025-03-01 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_charge_point_credentials"
down_revision: str | Sequence[str] | None = "0002_local_list"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No rows to carry over: a charge point without credentials keeps profile 0 (what
    # every charge point had before this revision), raised by CSMS_MIN_SECURITY_PROFILE.
    op.create_table(
        "charge_point_credentials",
        sa.Column("charge_point_id", sa.String(length=48), nullable=False),
        sa.Column("security_profile", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("pending_password_hash", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "security_profile BETWEEN 0 AND 3",
            name=op.f("ck_charge_point_credentials_security_profile_range"),
        ),
        sa.PrimaryKeyConstraint("charge_point_id", name=op.f("pk_charge_point_credentials")),
    )


def downgrade() -> None:
    op.drop_table("charge_point_credentials")
