"""The transaction service's operations: on transactions (started and stopped by stations)
and on reservations (asked by operators, sent to stations)."""

from transaction_svc.use_cases.orphan_reports import OrphanReportUseCases
from transaction_svc.use_cases.reservations import ReservationUseCases
from transaction_svc.use_cases.transaction_events import EventOutcome, TransactionEventUseCases
from transaction_svc.use_cases.transactions import (
    StartOutcome,
    StopOutcome,
    TransactionCounts,
    TransactionUseCases,
)

__all__ = [
    "EventOutcome",
    "OrphanReportUseCases",
    "ReservationUseCases",
    "StartOutcome",
    "StopOutcome",
    "TransactionCounts",
    "TransactionEventUseCases",
    "TransactionUseCases",
]
