"""The charge point service's tables, on its own MetaData.

No ``schema=``: :mod:`servicekit.database` maps them into the ``chargepoint`` schema on
PostgreSQL. Enumerations are stored as their names in plain strings, so adding a value
needs no migration. Text widths are those of :data:`chargepoint_svc.domain.charge_point.MAX_LENGTH`.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
)

from chargepoint_svc.domain.charge_point import CHARGE_POINT_ID_MAX_LENGTH, MAX_LENGTH
from chargepoint_svc.domain.device_model import VARIABLE_MAX_LENGTH
from chargepoint_svc.domain.firmware import STATUS_MAX_LENGTH as FIRMWARE_STATUS_MAX_LENGTH
from chargepoint_svc.domain.journal import JOURNAL_MAX_LENGTH
from chargepoint_svc.domain.monitors import MONITOR_MAX_LENGTH
from chargepoint_svc.domain.station_events import EVENT_MAX_LENGTH
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
    # OCPP 2.x admission through the base report (chargepoint_svc.domain.base_report).
    Column("base_report_owed", Boolean, nullable=False, server_default=false()),
    Column("base_report_at", DateTime(timezone=True), nullable=True),
    Column("reported_at", DateTime(timezone=True), nullable=True),
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
    # ListChargePoints' connector_status filter and the fleet summary (issue 14).
    Index("ix_connectors_status_charge_point_id", "status", "charge_point_id"),
)

# No longer written: DataTransfers are kept once, in the message journal, bounded like every
# journal entry (chargepoint_svc.retention). The table stays so that rows stored before are
# not lost by an upgrade; nothing adds to it, and an operator may drop it once not needed.
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


def _variable_text(name: str, *, primary_key: bool = False) -> Column[str]:
    return Column(name, String(VARIABLE_MAX_LENGTH[name]), nullable=False, primary_key=primary_key)


def _event_text(name: str) -> Column[str]:
    return Column(name, String(EVENT_MAX_LENGTH[name]), nullable=False)


def _charge_point_reference(*, primary_key: bool = False) -> Column[str]:
    return Column(
        "charge_point_id",
        String(CHARGE_POINT_ID_MAX_LENGTH),
        ForeignKey("charge_points.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
    )


# One row per attribute of a variable; the primary key is the variable's identity, so a
# later report updates it in place.
device_model_variables = Table(
    "device_model_variables",
    metadata,
    _charge_point_reference(primary_key=True),
    _variable_text("component", primary_key=True),
    _variable_text("component_instance", primary_key=True),
    Column("evse_id", Integer, primary_key=True, autoincrement=False),
    Column("connector_id", Integer, primary_key=True, autoincrement=False),
    _variable_text("variable", primary_key=True),
    _variable_text("variable_instance", primary_key=True),
    _variable_text("attribute_type", primary_key=True),
    _variable_text("value"),
    _variable_text("mutability"),
    _variable_text("data_type"),
    _variable_text("unit"),
    _variable_text("values_list"),
    Column("reported_at", DateTime(timezone=True), nullable=False),
)

security_events = Table(
    "security_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _charge_point_reference(),
    _event_text("type"),
    Column("timestamp", DateTime(timezone=True), nullable=False),
    _event_text("tech_info"),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Index("ix_security_events_charge_point_id_id", "charge_point_id", "id"),
)

station_events = Table(
    "station_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _charge_point_reference(),
    Column("event_id", Integer, nullable=False),
    Column("timestamp", DateTime(timezone=True), nullable=False),
    _event_text("trigger"),
    Column("cause", Integer, nullable=False),
    _event_text("actual_value"),
    _event_text("tech_code"),
    _event_text("tech_info"),
    Column("cleared", Boolean, nullable=False),
    _event_text("transaction_id"),
    _event_text("component"),
    Column("evse_id", Integer, nullable=False),
    _event_text("variable"),
    _event_text("notification_type"),
    Column("received_at", DateTime(timezone=True), nullable=False),
    # Issue 13: the monitor that raised the event, and its severity (migration 0005).
    Column("variable_monitoring_id", Integer, nullable=True),
    Column("severity", Integer, nullable=True),
    Index("ix_station_events_charge_point_id_id", "charge_point_id", "id"),
)


def _monitor_text(name: str) -> Column[str]:
    return Column(name, String(MONITOR_MAX_LENGTH[name]), nullable=False)


# The monitors a station keeps (chargepoint_svc.domain.monitors); the station's id is
# unique per station. report_id: the requestId of the report that listed it, NULL when
# the CSMS set it.
station_monitors = Table(
    "station_monitors",
    metadata,
    _charge_point_reference(primary_key=True),
    Column("id", Integer, primary_key=True, autoincrement=False),
    _monitor_text("component"),
    _monitor_text("component_instance"),
    Column("evse_id", Integer, nullable=False),
    Column("connector_id", Integer, nullable=False),
    _monitor_text("variable"),
    _monitor_text("variable_instance"),
    _monitor_text("type"),
    Column("value", Float, nullable=False),
    Column("severity", Integer, nullable=False),
    Column("transaction", Boolean, nullable=False),
    _monitor_text("notification_type"),
    Column("report_id", Integer, nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Firmware status notifications, per request (chargepoint_svc.domain.firmware). The
# locations of a PublishFirmwareStatusNotification are kept as JSON text: they are read
# with their report, never searched.
firmware_reports = Table(
    "firmware_reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _charge_point_reference(),
    Column("kind", String(8), nullable=False),
    Column("request_id", Integer, nullable=False),
    Column("status", String(FIRMWARE_STATUS_MAX_LENGTH), nullable=False),
    Column("locations", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Index("ix_firmware_reports_charge_point_id_id", "charge_point_id", "id"),
)

# Firmware requests the CSMS sent (chargepoint_svc.domain.firmware.FirmwareOrder): one per
# (charge point, kind, request id); a request sent again with the same id replaces it.
firmware_requests = Table(
    "firmware_requests",
    metadata,
    _charge_point_reference(primary_key=True),
    Column("kind", String(8), primary_key=True),
    Column("request_id", Integer, primary_key=True, autoincrement=False),
    Column("location", String(512), nullable=False),
    Column("retrieve_at", DateTime(timezone=True), nullable=True),
    Column("install_at", DateTime(timezone=True), nullable=True),
    Column("signed", Boolean, nullable=False),
    Column("checksum", String(32), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("answer", String(FIRMWARE_STATUS_MAX_LENGTH), nullable=False),
    Column("unpublished_at", DateTime(timezone=True), nullable=True),
)

# The message journal (chargepoint_svc.domain.journal). No foreign key to charge_points: the frames
# of a station that never got registered are journalled too. 64-bit ids: a busy fleet
# writes billions of entries over the years, even though few are kept.
journal_entries = Table(
    "journal_entries",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("charge_point_id", String(CHARGE_POINT_ID_MAX_LENGTH), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("direction", String(3), nullable=False),
    Column("message_type", String(10), nullable=False),
    Column("message_id", String(JOURNAL_MAX_LENGTH["message_id"]), nullable=False),
    Column("action", String(JOURNAL_MAX_LENGTH["action"]), nullable=False),
    Column("payload", Text, nullable=False),
    Column("truncated", Boolean, nullable=False),
    Column("ocpp_version", String(JOURNAL_MAX_LENGTH["ocpp_version"]), nullable=False),
    Index("ix_journal_entries_charge_point_id_at", "charge_point_id", "at"),
    # The retention purge deletes by age across every charge point.
    Index("ix_journal_entries_at", "at"),
)

# Requests sent to stations that they report on later (chargepoint_svc.domain.station_requests),
# by the requestId the CSMS gave them. ``details`` is the request's parameters as JSON text.
station_requests = Table(
    "station_requests",
    metadata,
    _charge_point_reference(primary_key=True),
    Column("kind", String(24), primary_key=True),
    Column("request_id", Integer, primary_key=True, autoincrement=False),
    Column("details", Text, nullable=False),
    Column("requested_by", String(255), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("answer", String(32), nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("error", Text, nullable=False),
)

# What stations reported about them: log upload statuses, parts of multi-part reports.
request_reports = Table(
    "request_reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("charge_point_id", String(CHARGE_POINT_ID_MAX_LENGTH), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("request_id", Integer, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("seq_no", Integer, nullable=False),
    Column("status", String(32), nullable=False),
    Column("data", Text, nullable=False),
    Column("tbc", Boolean, nullable=False),
    Column("generated_at", DateTime(timezone=True), nullable=True),
    ForeignKeyConstraint(
        ["charge_point_id", "kind", "request_id"],
        [
            station_requests.c.charge_point_id,
            station_requests.c.kind,
            station_requests.c.request_id,
        ],
        ondelete="CASCADE",
    ),
    Index("ix_request_reports_request", "charge_point_id", "kind", "request_id", "id"),
)

# The messages each station shows (chargepoint_svc.domain.display_messages); ``body`` is the
# message's fields as JSON text.
display_messages = Table(
    "display_messages",
    metadata,
    _charge_point_reference(primary_key=True),
    Column("message_id", Integer, primary_key=True, autoincrement=False),
    Column("body", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Smart charging as stations report it (chargepoint_svc.domain.smart_charging). Profiles
# and schedules are the API's JSON documents; the key columns are what the CSMS decides on.
station_charging_profiles = Table(
    "station_charging_profiles",
    metadata,
    _charge_point_reference(primary_key=True),
    Column("evse_id", Integer, primary_key=True),
    Column("profile_id", Integer, primary_key=True),
    Column("source", String(8), nullable=False),
    Column("document", Text, nullable=False),
    Column("reported_at", DateTime(timezone=True), nullable=False),
)

charging_limits = Table(
    "charging_limits",
    metadata,
    _charge_point_reference(primary_key=True),
    Column("evse_id", Integer, primary_key=True),
    Column("source", String(8), primary_key=True),
    Column("grid_critical", Boolean, nullable=False),
    Column("limit_w", Float, nullable=True),
    Column("schedule", Text, nullable=False),
    Column("reported_at", DateTime(timezone=True), nullable=False),
)

ev_charging_needs = Table(
    "ev_charging_needs",
    metadata,
    _charge_point_reference(primary_key=True),
    Column("evse_id", Integer, primary_key=True),
    Column("energy_transfer", String(20), nullable=False),
    Column("energy_wh", Float, nullable=True),
    Column("max_power_w", Float, nullable=False),
    Column("departure", DateTime(timezone=True), nullable=True),
    Column("reported_at", DateTime(timezone=True), nullable=False),
    Column("offered", Text, nullable=False),
    Column("ev_schedule", Text, nullable=False),
    Column("ev_schedule_accepted", Boolean, nullable=False),
)

# The operator's library of charging profiles (chargepoint_svc.domain.smart_charging).
charging_profile_library = Table(
    "charging_profile_library",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("profile_id", Integer, nullable=False),
    Column("document", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# The operator's power limit per station, for the schedules offered to EVs (K15).
station_site_limits = Table(
    "station_site_limits",
    metadata,
    _charge_point_reference(primary_key=True),
    Column("max_power_w", Float, nullable=False),
)
