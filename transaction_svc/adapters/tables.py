"""The transaction service's tables, on its own :data:`metadata`.

No schema is named here: on PostgreSQL :mod:`servicekit.database` places them in the
``transaction`` schema. Enums are stored by name in string columns, so adding a member never
needs a migration. ``alembic/transaction/versions`` must match this module exactly (a test
compares them).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from servicekit.database import NAMING_CONVENTION

metadata = MetaData(naming_convention=NAMING_CONVENTION)

transactions = Table(
    "transactions",
    metadata,
    # The OCPP 1.6 transactionId. AUTOINCREMENT on SQLite so that the id of a deleted
    # newest row is never handed out again (a station may still hold it).
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("charge_point_id", String, nullable=False),
    Column("evse_id", Integer, nullable=False),
    Column("connector_id", Integer, nullable=False),
    Column("id_tag", String, nullable=False),
    Column("status", String(32), nullable=False),
    Column("meter_start_wh", Float, nullable=False),
    Column("meter_stop_wh", Float, nullable=True),
    Column("energy_wh", Float, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("stopped_at", DateTime(timezone=True), nullable=True),
    Column("stop_reason", String(32), nullable=True),
    Column("stop_id_tag", String, nullable=True),
    Column("reservation_id", Integer, nullable=True),
    Column("ocpp_version", String(16), nullable=False),
    # The decision given about id_tag. A 2.x transaction may have no identifier (yet): then
    # id_tag and authorization_status are both empty strings (the columns predate 2.x and
    # stay NOT NULL; the adapter reads "" as none).
    Column("authorization_status", String(32), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # OCPP 2.x: the station's transactionId (NULL for 1.6) and its last chargingState.
    Column("station_transaction_id", String(36), nullable=True),
    Column("charging_state", String(32), nullable=True),
    # OCPP 2.x: the IdTokenEnumType(String) of id_tag as the station sent it; NULL for 1.6.
    Column("id_token_type", String(20), nullable=True),
    # Set when the CSMS ended it (transaction_svc.domain.closure): why, and by whom.
    Column("closure_cause", String(16), nullable=True),
    Column("closure_note", Text, nullable=True),
    Column("closed_by", String(100), nullable=True),
    # CountActiveTransactions (auth_svc's concurrent-use check).
    Index("ix_transactions_id_tag_status", "id_tag", "status"),
    # ListTransactions of one charge point, newest first.
    Index("ix_transactions_charge_point_id_id", "charge_point_id", "id"),
    # ListTransactions of one id tag, newest first, and of a start-time window (issue 14).
    Index("ix_transactions_id_tag_id", "id_tag", "id"),
    Index("ix_transactions_started_at", "started_at"),
    # A 2.x transaction is named by its station: one per (charge point, transactionId).
    Index(
        "ux_transactions_charge_point_id_station_transaction_id",
        "charge_point_id",
        "station_transaction_id",
        unique=True,
        sqlite_where=text("station_transaction_id IS NOT NULL"),
        postgresql_where=text("station_transaction_id IS NOT NULL"),
    ),
    sqlite_autoincrement=True,
)

meter_values = Table(
    "meter_values",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # NULL for meter values that belong to no transaction (OCPP 1.6 MeterValues.req
    # without transactionId).
    Column(
        "transaction_id",
        Integer,
        ForeignKey("transactions.id", name="fk_meter_values_transaction_id_transactions"),
        nullable=True,
    ),
    Column("charge_point_id", String, nullable=False),
    Column("evse_id", Integer, nullable=False),
    Column("connector_id", Integer, nullable=False),
    Column("sampled_at", DateTime(timezone=True), nullable=False),
    Column("value", Float, nullable=False),
    # As the station sent them; empty when it left them out.
    Column("measurand", String, nullable=False),
    Column("unit", String, nullable=False),
    Column("context", String, nullable=False),
    Column("phase", String, nullable=False),
    Column("location", String, nullable=False),
    Column("signed_data", Text, nullable=True),
    Index("ix_meter_values_transaction_id_sampled_at", "transaction_id", "sampled_at"),
)

reservations = Table(
    "reservations",
    metadata,
    # The OCPP reservationId; AUTOINCREMENT on SQLite for the same reason as transactions.
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("charge_point_id", String, nullable=False),
    # 0: any EVSE of the charge point.
    Column("evse_id", Integer, nullable=False),
    Column("id_tag", String(36), nullable=False),
    Column("parent_id_tag", String(36), nullable=True),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    # As stored: an ACTIVE row past expires_at is reported EXPIRED, never rewritten.
    Column("status", String(32), nullable=False),
    # The station's ReserveNow answer by name, e.g. OCCUPIED; NULL until it answered.
    Column("station_status", String(32), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column(
        "transaction_id",
        Integer,
        ForeignKey("transactions.id", name="fk_reservations_transaction_id_transactions"),
        nullable=True,
    ),
    # OCPP 2.x ConnectorEnumType(String) of a reservation by connector type (H01); NULL: any.
    Column("connector_type", String(20), nullable=True),
    # OCPP 2.x IdTokenEnumType(String) of id_tag; NULL (rows before 0009) is ISO14443.
    Column("id_token_type", String(20), nullable=True),
    # How the station ended it (ReservationStatusUpdate, H04): Expired, Removed, NoTransaction.
    Column("station_update", String(20), nullable=True),
    # A starting transaction looks up the ACTIVE reservations of its charge point.
    Index("ix_reservations_charge_point_id_status", "charge_point_id", "status"),
    # ListReservations of one charge point, newest first.
    Index("ix_reservations_charge_point_id_id", "charge_point_id", "id"),
    sqlite_autoincrement=True,
)

transaction_events = Table(
    "transaction_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "transaction_id",
        Integer,
        ForeignKey("transactions.id", name="fk_transaction_events_transaction_id_transactions"),
        nullable=False,
    ),
    # OCPP 2.x seqNo. Not unique on its own: some stations number every event 0.
    Column("seq_no", Integer, nullable=False),
    Column("event_type", String(16), nullable=False),
    # TriggerReasonEnumType and ChargingStateEnumType as the station sent them.
    Column("trigger_reason", String(64), nullable=False),
    Column("timestamp", DateTime(timezone=True), nullable=False),
    Column("offline", Boolean, nullable=False),
    Column("charging_state", String(32), nullable=True),
    # The idToken the event carried and the decision it got (a repeat gets the same).
    Column("id_tag", String(36), nullable=True),
    Column("authorization_status", String(32), nullable=True),
    Column("authorization_expires_at", DateTime(timezone=True), nullable=True),
    Column("parent_id_tag", String(36), nullable=True),
    # transaction_event.EventIdentity: each event is recorded once per transaction, which
    # makes a station's repeats idempotent.
    UniqueConstraint(
        "transaction_id",
        "seq_no",
        "event_type",
        "timestamp",
        "trigger_reason",
        name="uq_transaction_events_identity",
    ),
)

meter_reports = Table(
    "meter_reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("charge_point_id", String, nullable=False),
    # domain.MeterReport.fingerprint: a station's repetition of a report has the same one,
    # so the UNIQUE constraint lets its samples be stored once (the repository's insert
    # does nothing on conflict).
    Column("fingerprint", String(64), nullable=False),
    Column(
        "transaction_id",
        Integer,
        ForeignKey("transactions.id", name="fk_meter_reports_transaction_id_transactions"),
        nullable=True,
    ),
    Column("received_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("charge_point_id", "fingerprint"),
    # The storage purge's reports of no transaction (transaction_svc.retention).
    Index("ix_meter_reports_transaction_id", "transaction_id"),
)

orphan_reports = Table(
    "orphan_reports",
    metadata,
    # AUTOINCREMENT on SQLite: an id an operator noted is never handed out again.
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("charge_point_id", String, nullable=False),
    # orphan.OrphanKind and OrphanCause by name.
    Column("kind", String(32), nullable=False),
    Column("cause", String(48), nullable=False),
    # The id the station named: no foreign key, as it may name no transaction at all.
    Column("transaction_id", Integer, nullable=True),
    Column("station_transaction_id", String(36), nullable=True),
    Column("evse_id", Integer, nullable=False),
    Column("connector_id", Integer, nullable=False),
    Column("meter_stop_wh", Float, nullable=True),
    Column("stopped_at", DateTime(timezone=True), nullable=True),
    Column("stop_reason", String(32), nullable=True),
    Column("id_tag", String, nullable=True),
    # domain.meter_values_content as JSON: kept as it came, read only by operators, never
    # counted into a transaction's energy.
    Column("meter_values", Text, nullable=False),
    # orphan.OrphanContent.fingerprint: a station's repetition is kept once.
    Column("fingerprint", String(64), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    # orphan.Reconciliation; NULL until an operator reconciled it.
    Column("reconciled_at", DateTime(timezone=True), nullable=True),
    Column("reconciliation_note", Text, nullable=True),
    Column("reconciled_transaction_id", Integer, nullable=True),
    UniqueConstraint("charge_point_id", "fingerprint"),
    # ListOrphanReports of one charge point, newest first.
    Index("ix_orphan_reports_charge_point_id_id", "charge_point_id", "id"),
    sqlite_autoincrement=True,
)
