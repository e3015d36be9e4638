"""auth_svc: the record of ISO 15118 Plug & Charge checks (Authorize with a contract
certificate, GetCertificateStatus, Get15118EVCertificate) per charge point.

Revision ID: 0006_contract_certificates
Revises: 0005_network_profiles
Create Date: 2026-12-07 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_contract_certificates"
down_revision: str | Sequence[str] | None = "0005_network_profiles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contract_certificate_checks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("charge_point_id", sa.String(length=48), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("id_tag", sa.String(length=36), nullable=False),
        sa.Column("serial_number", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=512), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_certificate_checks")),
    )
    op.create_index(
        "ix_contract_certificate_checks_charge_point",
        "contract_certificate_checks",
        ["charge_point_id", "id"],
    )


def downgrade() -> None:
    op.drop_index(
        "ix_contract_certificate_checks_charge_point", table_name="contract_certificate_checks"
    )
    op.drop_table("contract_certificate_checks")
