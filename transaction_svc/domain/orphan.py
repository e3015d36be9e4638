"""Orphan reports: transaction data a station sent that the CSMS cannot apply to a
transaction of that station. Pure: no I/O, no storage, no protobuf.

OCPP 1.6 §4.10 (Transaction-related messages; see also §6.50 StopTransaction.req): the
Central System must not withhold StopTransaction.conf because a check of the request
failed, since the station retries it and then discards it with its energy data. So a stop
or meter values naming a transaction the CSMS does not know are answered as if applied,
and what they carried is kept here, as it came, for an operator to reconcile.

A transaction of another charge point is never touched: a StopTransaction from station B
naming station A's transaction id becomes B's orphan report, and A's transaction stays as it
was. The station hears the same answer whether the id is unknown or another station's, so
the answer tells it nothing about other stations' transactions.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime

from transaction_svc.domain.meter_values import (
    MeterReport,
    MeterValue,
    digest,
    meter_values_content,
)
from transaction_svc.domain.transaction import StopReason, Transaction, TransactionStop
from transaction_svc.domain.transaction_event import TransactionEvent
from transaction_svc.errors import InvalidTransactionRequest


class OrphanKind(enum.Enum):
    """The message the data came in."""

    STOP_TRANSACTION = "STOP_TRANSACTION"
    METER_VALUES = "METER_VALUES"
    TRANSACTION_EVENT = "TRANSACTION_EVENT"


class OrphanCause(enum.Enum):
    """Why it could not be applied."""

    TRANSACTION_UNKNOWN = "TRANSACTION_UNKNOWN"
    TRANSACTION_OF_ANOTHER_CHARGE_POINT = "TRANSACTION_OF_ANOTHER_CHARGE_POINT"
    TRANSACTION_COMPLETED = "TRANSACTION_COMPLETED"


def cause_for(transaction: Transaction | None) -> OrphanCause:
    """Why data naming ``transaction`` (None: an id no transaction has) cannot be applied
    to it, when the station that sent it is not the transaction's."""
    if transaction is None:
        return OrphanCause.TRANSACTION_UNKNOWN
    return OrphanCause.TRANSACTION_OF_ANOTHER_CHARGE_POINT


@dataclass(frozen=True)
class OrphanContent:
    """What the station sent, as it sent it. Fields a kind does not carry are None."""

    charge_point_id: str
    kind: OrphanKind
    cause: OrphanCause
    # The 1.6 transactionId the station named, or the CSMS id of the ended 2.x transaction.
    transaction_id: int | None
    station_transaction_id: str | None = None
    evse_id: int = 0
    connector_id: int = 0
    meter_stop_wh: float | None = None
    stopped_at: datetime | None = None
    stop_reason: StopReason | None = None
    id_tag: str | None = None
    meter_values: tuple[MeterValue, ...] = ()

    @classmethod
    def of_stop(cls, stop: TransactionStop, cause: OrphanCause) -> OrphanContent:
        return cls(
            charge_point_id=stop.charge_point_id,
            kind=OrphanKind.STOP_TRANSACTION,
            cause=cause,
            transaction_id=stop.transaction_id,
            meter_stop_wh=stop.meter_stop_wh,
            stopped_at=stop.stopped_at,
            stop_reason=stop.reason,
            id_tag=stop.id_tag,
            meter_values=stop.meter_values,
        )

    @classmethod
    def of_report(cls, report: MeterReport, cause: OrphanCause) -> OrphanContent:
        return cls(
            charge_point_id=report.charge_point_id,
            kind=OrphanKind.METER_VALUES,
            cause=cause,
            transaction_id=report.transaction_id,
            evse_id=report.evse_id,
            connector_id=report.connector_id,
            meter_values=report.meter_values,
        )

    @classmethod
    def of_late_event(cls, event: TransactionEvent, transaction: Transaction) -> OrphanContent:
        """The meter values of an event that came after its transaction ended."""
        return cls(
            charge_point_id=event.charge_point_id,
            kind=OrphanKind.TRANSACTION_EVENT,
            cause=OrphanCause.TRANSACTION_COMPLETED,
            transaction_id=transaction.id,
            station_transaction_id=event.station_transaction_id,
            evse_id=event.evse_id,
            connector_id=event.connector_id,
            id_tag=event.id_tag,
            meter_values=event.meter_values,
        )

    def fingerprint(self) -> str:
        """A digest of everything the station sent (SHA-256, hex): its repetition of the
        message (a lost answer, 1.6 §4.10 retries) has the same one, and is kept once."""
        stopped_at = None if self.stopped_at is None else self.stopped_at.astimezone(UTC)
        return digest(
            [
                self.charge_point_id,
                self.kind.name,
                self.transaction_id,
                self.station_transaction_id,
                self.evse_id,
                self.connector_id,
                self.meter_stop_wh,
                None if stopped_at is None else stopped_at.isoformat(),
                None if self.stop_reason is None else self.stop_reason.name,
                self.id_tag,
                meter_values_content(self.meter_values),
            ]
        )


# A note says what the operator found or did; bounded, as every stored text an API takes.
MAX_NOTE_LENGTH = 1000


@dataclass(frozen=True)
class Reconciliation:
    """An operator's word that an orphan report is dealt with."""

    at: datetime
    note: str
    # The CSMS transaction the data was matched to, if any.
    transaction_id: int | None = None

    def __post_init__(self) -> None:
        if not 0 < len(self.note) <= MAX_NOTE_LENGTH:
            raise InvalidTransactionRequest(
                f"note must have 1 to {MAX_NOTE_LENGTH} characters, got {len(self.note)}: "
                "say what was found or done"
            )
        if self.transaction_id is not None and self.transaction_id <= 0:
            raise InvalidTransactionRequest(
                f"transaction_id must be a positive transaction id, or 0 for none; "
                f"got {self.transaction_id}"
            )


@dataclass(frozen=True)
class OrphanReport:
    """An orphan report as stored: its id (allocated by the store), when it came, and its
    reconciliation once an operator gave one."""

    id: int
    content: OrphanContent
    received_at: datetime
    reconciliation: Reconciliation | None = None


@dataclass(frozen=True)
class OrphanQuery:
    """One page, newest first: at most ``limit`` with an id below ``before_id``."""

    limit: int
    before_id: int | None = None
    charge_point_id: str | None = None
    unreconciled: bool = False


@dataclass(frozen=True)
class OrphanPage:
    orphan_reports: tuple[OrphanReport, ...]
    next_before_id: int | None
