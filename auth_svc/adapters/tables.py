"""auth_svc's tables, on its own MetaData (its own Alembic environment, its own schema)."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

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
    # OCPP 2.x IdTokenEnumType(String); rows from before migration 0004 are ISO14443.
    Column("id_token_type", String(20), nullable=False, server_default="ISO14443"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# The local authorization list: one row per identifier that ever joined it. A removed member
# keeps its row (``removed_version`` set) so that differential updates can remove it from
# stations; versions are those of ``local_list_state``.
local_list_entries = Table(
    "local_list_entries",
    metadata,
    Column("id_tag", String(36), ForeignKey("id_tags.id_tag"), primary_key=True),
    Column("added_version", Integer, nullable=False),
    Column("changed_version", Integer, nullable=False),
    Column("removed_version", Integer, nullable=True),
    # A differential update selects the entries changed after a station's version.
    Index("ix_local_list_entries_changed_version", "changed_version"),
)

# The list's version: exactly one row (id 1), created by the migration at version 0. Changes
# increment it with an UPDATE, which also serialises concurrent changes of the list.
local_list_state = Table(
    "local_list_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
    CheckConstraint("id = 1", name="single_row"),
)

# The version of the list each station last accepted (SendLocalList.conf Accepted).
local_list_versions = Table(
    "local_list_versions",
    metadata,
    Column("charge_point_id", String, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("accepted_at", DateTime(timezone=True), nullable=False),
)

# Charge point credentials (security profiles): one row per charge point an operator
# configured; a charge point without a row has profile 0 and no password. Passwords are
# scrypt hashes (auth_svc.domain.passwords); the pending one was sent to the station and not yet
# confirmed.
charge_point_credentials = Table(
    "charge_point_credentials",
    metadata,
    Column("charge_point_id", String(48), primary_key=True),
    Column("security_profile", Integer, nullable=False),
    Column("password_hash", String(200), nullable=True),
    Column("pending_password_hash", String(200), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # Issue 13: an accepted higher profile, in force once the station connects with it.
    Column("pending_security_profile", Integer, nullable=True),
    CheckConstraint("security_profile BETWEEN 0 AND 3", name="security_profile_range"),
)

# Issue 13: the last network connection profile offered in each slot of a charge point
# (OCPP 2.0.1 B09), with the station's answer. ``connection`` is the connection data as
# JSON, without its secrets (VPN password and key, APN password).
network_profiles = Table(
    "network_profiles",
    metadata,
    Column("charge_point_id", String(48), primary_key=True),
    Column("configuration_slot", Integer, primary_key=True),
    Column("security_profile", Integer, nullable=False),
    Column("connection", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("offered_at", DateTime(timezone=True), nullable=False),
)

# ISO 15118 Plug & Charge checks (OCPP 2.0.1 C07, M01/M02, M06), one row per station
# request, newest = highest id. ``status`` is the OCPP word of the answer
# (certificateStatus for Authorize, Accepted/Failed otherwise); ``reason`` says why a
# request failed.
contract_certificate_checks = Table(
    "contract_certificate_checks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("charge_point_id", String(48), nullable=False),
    Column("action", String(32), nullable=False),
    Column("id_tag", String(36), nullable=False),
    Column("serial_number", String(40), nullable=False),
    Column("status", String(32), nullable=False),
    Column("reason", String(512), nullable=False),
    Column("checked_at", DateTime(timezone=True), nullable=False),
    Index("ix_contract_certificate_checks_charge_point", "charge_point_id", "id"),
)
