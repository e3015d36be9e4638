"""Fleet filters (issue 14): connectors by status, for ListChargePoints' connector_status
filter (stations with a connector in that status) and the fleet summary's counts.

Revision ID: 0009_fleet_filters
Revises: 0008_firmware_requests
Create Date: 2026-12-07 00:00:00

The other filters need no index: they read charge_points, one row per station, whose scan
at 10,000 stations costs less than the index upkeep on every boot would save (a substring
search cannot use a B-tree anyway).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009_fleet_filters"
down_revision: str | Sequence[str] | None = "0008_firmware_requests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_connectors_status_charge_point_id", "connectors", ["status", "charge_point_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_connectors_status_charge_point_id", table_name="connectors")
