"""auth_svc: the OCPP 2.x id token type of every identifier (issue 13).

Revision ID: 0004_id_token_types
Revises: 0003_charge_point_credentials
Create Date: 2026-12-07 00:00:00

Identifiers stored before this revision become ISO14443 (an RFID card's UID): that is what
the CSMS sent for every one of them until now, so stations hold them as such.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_id_token_types"
down_revision: str | Sequence[str] | None = "0003_charge_point_credentials"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("id_tags") as batch:
        batch.add_column(
            sa.Column(
                "id_token_type", sa.String(length=20), nullable=False, server_default="ISO14443"
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("id_tags") as batch:
        batch.drop_column("id_token_type")
