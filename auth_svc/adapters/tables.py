"""auth_svc's tables, on its own MetaData (its own Alembic environment, its own schema)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, String, Table

from servicekit.database import NAMING_CONVENTION

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# One row per identifier. ``status`` holds an AuthorizationStatus name (ACCEPTED, BLOCKED,
# EXPIRED or INVALID); 32 characters leave room for the longest 2.x name.
id_tags = Table(
    "id_tags",
    metadata,
    Column("id_tag", String(36), primary_key=True),
    Column("status", String(32), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("parent_id_tag", String(36), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
