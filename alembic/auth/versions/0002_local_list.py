"""auth_svc: the local authorization list, its version, and the version each station accepted.

Revision ID: 0002_local_list
Revises: 0001_auth_initial
Create Date: 2025-02-01 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_local_list"
down_revision: str | Sequence[str] | None = "0001_auth_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "local_list_entries",
        sa.Column("id_tag", sa.String(length=36), nullable=False),
        sa.Column("added_version", sa.Integer(), nullable=False),
        sa.Column("changed_version", sa.Integer(), nullable=False),
        sa.Column("removed_version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["id_tag"], ["id_tags.id_tag"], name=op.f("fk_local_list_entries_id_tag_id_tags")
        ),
        sa.PrimaryKeyConstraint("id_tag", name=op.f("pk_local_list_entries")),
    )
    op.create_index(
        "ix_local_list_entries_changed_version", "local_list_entries", ["changed_version"]
    )
    state = op.create_table(
        "local_list_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_local_list_state_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_list_state")),
    )
    # The list starts empty, at version 0 (OCPP 1.6 §6.31: 0 is "no list").
    op.bulk_insert(state, [{"id": 1, "version": 0}])
    op.create_table(
        "local_list_versions",
        sa.Column("charge_point_id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("charge_point_id", name=op.f("pk_local_list_versions")),
    )


def downgrade() -> None:
    op.drop_table("local_list_versions")
    op.drop_table("local_list_state")
    op.drop_index("ix_local_list_entries_changed_version", table_name="local_list_entries")
    op.drop_table("local_list_entries")
