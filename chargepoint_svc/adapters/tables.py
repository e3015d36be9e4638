"""The charge point service's tables, on its own MetaData.

No ``schema=``: :mod:`servicekit.database` maps them into the ``chargepoint`` schema on
PostgreSQL. Enumerations are stored as their names in plain strings, so adding a value
needs no migration. Text widths are those of :data:`chargepoint_svc.domain.MAX_LENGTH`.
"""

from __future__ import annotations

from sqlalchemy import (
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

from chargepoint_svc.domain import CHARGE_POINT_ID_MAX_LENGTH, MAX_LENGTH
from servicekit.database import NAMING_CONVENTION

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _text(name: str) -> Column[str]:
    return Column(name, String(MAX_LENGTH[name]), nullable=False)


charge_points = Table(
    "charge_points",
    metadata,
    Column("id", String(CHARGE_POINT_ID_MAX_LENGTH), primary_key=True),
    Column("registration_status", String(16), nullable=False),
    _text("vendor"),
    _text("model"),
    _text("serial_number"),
    _text("firmware_version"),
    _text("ocpp_version"),
    _text("iccid"),
    _text("imsi"),
    _text("meter_type"),
    _text("meter_serial_number"),
    Column("last_boot_at", DateTime(timezone=True), nullable=True),
    Column("last_seen_at", DateTime(timezone=True), nullable=True),
    _text("firmware_status"),
    _text("diagnostics_status"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

connectors = Table(
    "connectors",
    metadata,
    Column(
        "charge_point_id",
        String(CHARGE_POINT_ID_MAX_LENGTH),
        ForeignKey("charge_points.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("evse_id", Integer, primary_key=True, autoincrement=False),
    Column("connector_id", Integer, primary_key=True, autoincrement=False),
    Column("status", String(16), nullable=False),
    _text("error_code"),
    _text("info"),
    _text("vendor_id"),
    _text("vendor_error_code"),
    Column("status_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

data_transfers = Table(
    "data_transfers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "charge_point_id",
        String(CHARGE_POINT_ID_MAX_LENGTH),
        ForeignKey("charge_points.id", ondelete="CASCADE"),
        nullable=False,
    ),
    _text("vendor_id"),
    _text("message_id"),
    Column("data", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Index("ix_data_transfers_charge_point_id_received_at", "charge_point_id", "received_at"),
)
