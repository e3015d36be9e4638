"""Transactions the CSMS ends itself, when their station never will (issue 13, item 17).

A transaction normally ends with the station's StopTransaction (OCPP 1.6 §4.10) or
TransactionEvent Ended (2.0.1 E06). A station that rebooted, was replaced, or lost its
queue may never send it; the transaction then stays ACTIVE forever, and its id tag keeps
counting as in use (auth_svc answers ConcurrentTx, :mod:`auth_svc`'s concurrent-use check
asks CountActiveTransactions). Two ways end it, each recorded as a :class:`Closure` that
says who and why, with the stop reason ``ENDED_BY_CSMS``:

- an operator ends it (:func:`by_operator`), with a reason that is kept;
- the CSMS ends it on a signal from the station that is safe to act on:
  :func:`superseded`, when the station starts another transaction on the same EVSE after
  it (an EVSE runs one transaction at a time: OCPP 2.0.1 E01-E02 open a transaction per
  EVSE; a 1.6 connector likewise, §3.6), or :func:`not_ongoing`, when the station answers
  GetTransactionStatus (2.0.1 E14) that it is not ongoing and has no message of it queued
  (E14.FR.06: messagesInQueue false, so no Ended event is on its way).

Signals deliberately not used: a BootNotification (a 2.0.1 station may resume its
transactions after a reboot, and reports them with TransactionEvents; its reboot says
nothing about whether its queue still holds an Ended event) and a disconnection (stations
go offline mid-transaction and send everything later). Events that arrive after a closure
are kept, as for any completed transaction (late 2.x events are recorded, their meter
values kept as orphan reports; a late 1.6 StopTransaction becomes an orphan report).
Pure.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from transaction_svc.errors import InvalidTransactionRequest

# An operator's reason is free text for people; this bounds what one request stores.
NOTE_MAX_LENGTH = 1000
CLOSED_BY_MAX_LENGTH = 100
# Who closes a transaction on a station's signal.
CSMS = "csms"


class ClosureCause(enum.Enum):
    OPERATOR = "OPERATOR"
    SUPERSEDED = "SUPERSEDED"
    NOT_ONGOING = "NOT_ONGOING"


@dataclass(frozen=True)
class Closure:
    """Why and by whom the CSMS ended a transaction; when is the transaction's stopped_at."""

    cause: ClosureCause
    note: str
    closed_by: str

    def __post_init__(self) -> None:
        if not self.note.strip():
            raise InvalidTransactionRequest(
                "reason is required: say why the transaction is ended, for whoever reads it later"
            )
        if len(self.note) > NOTE_MAX_LENGTH:
            raise InvalidTransactionRequest(
                f"reason is {len(self.note)} characters long; at most {NOTE_MAX_LENGTH}"
            )
        if len(self.closed_by) > CLOSED_BY_MAX_LENGTH:
            raise InvalidTransactionRequest(
                f"ended_by is {len(self.closed_by)} characters long; at most {CLOSED_BY_MAX_LENGTH}"
            )


def by_operator(reason: str, ended_by: str) -> Closure:
    """An operator's end; ``ended_by`` as the caller names itself ("" when it does not)."""
    return Closure(ClosureCause.OPERATOR, reason, ended_by.strip())


def superseded(newer_id: int, evse_id: int) -> Closure:
    return Closure(
        ClosureCause.SUPERSEDED,
        f"the station started transaction {newer_id} on EVSE {evse_id}, where this one was "
        "still open: an EVSE runs one transaction at a time, so the station ended this one "
        "without telling the CSMS",
        CSMS,
    )


def not_ongoing() -> Closure:
    return Closure(
        ClosureCause.NOT_ONGOING,
        "the station answered GetTransactionStatus that this transaction is not ongoing and "
        "that it has no message of it queued (OCPP 2.0.1 E14): its end was lost",
        CSMS,
    )
