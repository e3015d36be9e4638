"""Ending transactions in the CSMS when their station never will
(:mod:`transaction_svc.domain.closure`): an operator's end, the check that ends a
transaction its station says is over, and the policy that closes a transaction its station
superseded by starting another on the same EVSE."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from servicekit.clock import Clock
from transaction_svc.domain.closure import Closure, by_operator, not_ongoing, superseded
from transaction_svc.domain.transaction import Transaction
from transaction_svc.errors import (
    InvalidTransactionRequest,
    TransactionAlreadyCompleted,
    TransactionNotFound,
)
from transaction_svc.ports import Stations, UnitOfWork

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckOutcome:
    """What the station answered about a transaction, and whether the CSMS ended it."""

    ongoing: bool | None
    messages_in_queue: bool
    ended: Transaction | None


class TransactionClosures:
    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], clock: Clock, stations: Stations
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._stations = stations

    async def end(self, transaction_id: int, reason: str, ended_by: str) -> Transaction:
        """An operator ends an ACTIVE transaction. The same end again (same reason and
        operator: a retry after a lost answer) answers the transaction as it was ended; a
        transaction completed any other way keeps its end (FAILED_PRECONDITION)."""
        if transaction_id <= 0:
            raise InvalidTransactionRequest(
                f"id must be a positive transaction id, got {transaction_id}"
            )
        closure = by_operator(reason, ended_by)
        async with self._unit_of_work() as uow:
            transaction = await uow.transactions.get(transaction_id, for_update=True)
            if transaction is None:
                raise TransactionNotFound(transaction_id)
            if not transaction.is_active:
                if transaction.closure == closure:
                    return transaction
                raise TransactionAlreadyCompleted(transaction_id, _how(transaction))
            ended = transaction.closed(closure, self._clock.now())
            if not await uow.transactions.save(ended):
                # Its station's stop or another end got there first: say which.
                current = await uow.transactions.get(transaction_id)
                if current is not None and current.closure == closure:
                    return current
                how = "meanwhile" if current is None else _how(current)
                raise TransactionAlreadyCompleted(transaction_id, how)
            await uow.commit()
        LOG.warning(
            "transaction %d charge_point_id=%s ended by %r in the CSMS: %s",
            ended.id,
            ended.charge_point_id,
            closure.closed_by,
            closure.note,
        )
        return ended

    async def check(self, transaction_id: int) -> CheckOutcome:
        """Ask the station whether an ACTIVE transaction is ongoing (OCPP 2.0.1 E14) and end
        it when the station says it is not and has nothing queued (E14.FR.06: with
        messagesInQueue false no Ended event of it is on its way). "Not ongoing" with
        messages queued only means its end is still coming: nothing is changed. The
        station is asked outside any database transaction; the end is a compare-and-set,
        so a stop arriving meanwhile wins."""
        transaction = await self._active(transaction_id)
        ongoing, queued = await self._stations.transaction_status(
            transaction.charge_point_id, transaction.id
        )
        if ongoing is not False or queued:
            return CheckOutcome(ongoing, queued, None)
        closure = not_ongoing()
        async with self._unit_of_work() as uow:
            current = await uow.transactions.get(transaction_id, for_update=True)
            if current is None or not current.is_active:
                return CheckOutcome(ongoing, queued, None)
            ended = current.closed(closure, self._clock.now())
            if not await uow.transactions.save(ended):
                return CheckOutcome(ongoing, queued, None)
            await uow.commit()
        LOG.warning(
            "transaction %d charge_point_id=%s ended: %s",
            ended.id,
            ended.charge_point_id,
            closure.note,
        )
        return CheckOutcome(ongoing, queued, ended)

    async def _active(self, transaction_id: int) -> Transaction:
        if transaction_id <= 0:
            raise InvalidTransactionRequest(
                f"id must be a positive transaction id, got {transaction_id}"
            )
        async with self._unit_of_work() as uow:
            transaction = await uow.transactions.get(transaction_id)
        if transaction is None:
            raise TransactionNotFound(transaction_id)
        if not transaction.is_active:
            raise TransactionAlreadyCompleted(transaction_id, _how(transaction))
        return transaction


async def close_superseded(uow: UnitOfWork, newer: Transaction, now: datetime) -> None:
    """Close the transactions the station left open on the EVSE where it just started
    ``newer``, in ``uow`` (the caller commits). Only those that started before it: a
    transaction first heard of late (from an offline queue, or an Updated event whose
    Started was lost) closes nothing that began after it. EVSE 0 is the whole station, on
    which no transaction runs: nothing is closed for it."""
    if newer.evse_id <= 0:
        return
    for older in await uow.transactions.active_on_evse(newer.charge_point_id, newer.evse_id):
        if older.id == newer.id or older.started_at > newer.started_at:
            continue
        closure: Closure = superseded(newer.id, newer.evse_id)
        if await uow.transactions.save(older.closed(closure, now)):
            LOG.warning(
                "transaction %d charge_point_id=%s evse_id=%d closed: the station started "
                "transaction %d there without ending it",
                older.id,
                older.charge_point_id,
                older.evse_id,
                newer.id,
            )


def _how(transaction: Transaction) -> str:
    reason = "none" if transaction.stop_reason is None else transaction.stop_reason.name
    stopped = "" if transaction.stopped_at is None else f" at {transaction.stopped_at.isoformat()}"
    return f"stopped{stopped}, reason {reason}"
