"""The operations on transactions, one method each, over a unit of work, a clock and
auth_svc's decisions. Each call does its database work in one database transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from servicekit.clock import Clock
from transaction_svc.domain.authorization import Authorization, AuthorizationPurpose
from transaction_svc.domain.meter_values import (
    MeterReport,
    group_meter_values,
    latest_energy_register_wh,
    meter_samples,
)
from transaction_svc.domain.orphan import OrphanCause, OrphanContent, OrphanReport, cause_for
from transaction_svc.domain.reservation import ReservationCheck, ReservationStatus, check_start
from transaction_svc.domain.transaction import (
    Transaction,
    TransactionPage,
    TransactionQuery,
    TransactionStart,
    TransactionStatus,
    TransactionStop,
)
from transaction_svc.errors import (
    InvalidTransactionRequest,
    TransactionConflict,
    TransactionNotFound,
)
from transaction_svc.ports import Authorizer, UnitOfWork
from transaction_svc.use_cases.closures import close_superseded

LOG = logging.getLogger(__name__)

# A start decides again when a concurrent start used its reservation first; past this many
# tries the station is told to retry (a retry is decided afresh).
_START_ATTEMPTS = 3


@dataclass(frozen=True)
class StartOutcome:
    transaction: Transaction
    # The idTagInfo for the station.
    authorization: Authorization


@dataclass(frozen=True)
class TransactionCounts:
    active: int
    completed: int


@dataclass(frozen=True)
class StopOutcome:
    # None when the stop named no transaction of its station: ``orphan`` holds its data
    # (it also does for a late stop of a transaction the CSMS ended, given here as ended).
    transaction: Transaction | None
    # The idTagInfo for the station; None when the stop carried no identifier.
    authorization: Authorization | None
    orphan: OrphanReport | None = None


class TransactionUseCases:
    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], clock: Clock, authorizer: Authorizer
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._authorizer = authorizer

    async def start(self, start: TransactionStart) -> StartOutcome:
        """Record a transaction a station started, whatever auth_svc decides.

        OCPP 1.6 §4.8: the station has already started charging when it sends
        StartTransaction.req; if the idTagInfo it gets back is not Accepted it stops the
        transaction itself (and reports that stop). So the CSMS records every start, with the
        decision it gave. auth_svc is asked first, so that when it cannot answer nothing is
        stored and the station's retry starts afresh. A retry of a start already recorded
        (the station lost the answer) gets the same transaction and decision back.

        Reservations (OCPP 1.6 §3.9, 2.0.1 H01): the reservation the start ends becomes USED
        by it; a start on an EVSE reserved for someone else is answered Invalid (see
        :func:`transaction_svc.domain.reservation.check_start`). The reservation is claimed with a
        compare-and-set; when a concurrent start claimed it first, the start is decided again.
        """
        authorization = await self._authorizer.authorize(
            start.id_tag, start.charge_point_id, AuthorizationPurpose.START_TRANSACTION
        )
        for _attempt in range(_START_ATTEMPTS):
            async with self._unit_of_work() as uow:
                active = await uow.transactions.find_active(
                    start.charge_point_id, start.connector_id
                )
                for transaction in active:
                    given = transaction.authorization_status
                    if given is not None and transaction.is_retry_of(start):
                        LOG.info(
                            "repeated start of transaction %d charge_point_id=%s: "
                            "answered as before",
                            transaction.id,
                            start.charge_point_id,
                        )
                        # auth_svc's fresh answer would count this very transaction as
                        # concurrent use; the station must hear the decision it was meant to
                        # get. The rest (expiry, parent) is the tag's, as the first time.
                        return StartOutcome(transaction, replace(authorization, status=given))
                check = await check_reservations(uow, start, authorization.parent_id_tag)
                decided = check.authorization(authorization)
                used_id = None if check.used is None else check.used.id
                transaction = await uow.transactions.add(
                    replace(start, reservation_id=used_id), decided.status, self._clock.now()
                )
                if check.used is not None and not await uow.reservations.save(
                    check.used.used_by(transaction.id, self._clock.now()),
                    expected=ReservationStatus.ACTIVE,
                ):
                    LOG.info("reservation %d was used concurrently: deciding again", used_id)
                    continue
                await close_superseded(uow, transaction, self._clock.now())
                await uow.commit()
            self._log_start(transaction, check)
            return StartOutcome(transaction, decided)
        raise TransactionConflict(start.charge_point_id)

    @staticmethod
    def _log_start(transaction: Transaction, check: ReservationCheck) -> None:
        log_start(transaction, check)

    async def stop(self, stop: TransactionStop) -> StopOutcome:
        """Complete a transaction with its final reading and its transactionData.

        A stop of a transaction already completed changes nothing: it is the station's retry
        after a lost StopTransaction.conf, and applying it again would store its
        transactionData twice. The identifier, if any, is authorized after the stop is stored
        (OCPP 1.6 §4.10: the stop itself is never refused), so an auth_svc outage loses nothing.

        A stop naming a transaction the CSMS does not know, or one of another charge point,
        is not refused either (§4.10: the station would retry, then discard its data): it
        is kept as an orphan report of the station that sent it
        (:mod:`transaction_svc.domain.orphan`), and answered as any stop is.
        """
        orphan = None
        async with self._unit_of_work() as uow:
            transaction = await uow.transactions.get(stop.transaction_id, for_update=True)
            if transaction is None or transaction.charge_point_id != stop.charge_point_id:
                content = OrphanContent.of_stop(stop, cause_for(transaction))
                orphan = await self._keep_orphan(uow, content)
                transaction = None
            elif transaction.is_active:
                transaction = await self._complete(uow, transaction, stop)
            elif transaction.closure is not None:
                # The CSMS ended it (transaction_svc.domain.closure): this stop is no retry
                # but the station's own late word, kept with its data; the closure stays.
                content = OrphanContent.of_stop(stop, OrphanCause.TRANSACTION_COMPLETED)
                orphan = await self._keep_orphan(uow, content)
            else:
                LOG.info(
                    "repeated stop of transaction %d charge_point_id=%s: nothing changed",
                    transaction.id,
                    transaction.charge_point_id,
                )
        authorization = None
        if stop.id_tag:
            authorization = await self._authorizer.authorize(
                stop.id_tag, stop.charge_point_id, AuthorizationPurpose.STOP_TRANSACTION
            )
        return StopOutcome(transaction, authorization, orphan)

    async def _keep_orphan(self, uow: UnitOfWork, content: OrphanContent) -> OrphanReport:
        """Store ``content`` as an orphan report (once: a repetition finds the first) and
        commit ``uow``."""
        orphan, added = await uow.orphan_reports.add(content, self._clock.now())
        await uow.commit()
        if added:
            LOG.warning(
                "%s charge_point_id=%s names transaction %s (%s): answered, nothing applied, "
                "kept as orphan report %d",
                content.kind.name,
                content.charge_point_id,
                content.transaction_id,
                content.cause.name,
                orphan.id,
            )
        else:
            LOG.info(
                "repeated %s charge_point_id=%s: kept before as orphan report %d",
                content.kind.name,
                content.charge_point_id,
                orphan.id,
            )
        return orphan

    async def _complete(
        self, uow: UnitOfWork, transaction: Transaction, stop: TransactionStop
    ) -> Transaction:
        """Apply ``stop`` and store its transactionData, all in ``uow``'s one transaction."""
        if stop.meter_stop_wh < transaction.meter_start_wh:
            LOG.warning(
                "transaction %d charge_point_id=%s stopped at %.3f Wh below its start %.3f Wh "
                "(meter replaced or reset?): energy counted as 0",
                transaction.id,
                transaction.charge_point_id,
                stop.meter_stop_wh,
                transaction.meter_start_wh,
            )
        stopped = transaction.stopped(stop, self._clock.now())
        if not await uow.transactions.save(stopped):
            # A concurrent retry of this stop got there first; answer what it stored.
            LOG.info("transaction %d was stopped concurrently: nothing changed", transaction.id)
            current = await uow.transactions.get(transaction.id)
            if current is None:
                raise TransactionNotFound(transaction.id, transaction.charge_point_id)
            return current
        await uow.meter_samples.add(
            meter_samples(
                stop.meter_values,
                transaction_id=stopped.id,
                charge_point_id=stopped.charge_point_id,
                evse_id=stopped.evse_id,
                connector_id=stopped.connector_id,
            )
        )
        await uow.commit()
        LOG.info(
            "transaction %d stopped charge_point_id=%s reason=%s energy_wh=%.3f",
            stopped.id,
            stopped.charge_point_id,
            stop.reason.name,
            stopped.energy_wh,
        )
        return stopped

    async def record_meter_values(self, report: MeterReport) -> None:
        """Store every sample; keep an active transaction's energy up to date from the
        latest energy register reading (OCPP 1.6 §4.7).

        A report stored before changes nothing: it is the station's retry after a lost
        MeterValues.conf (see :meth:`MeterReport.fingerprint`), and storing its samples
        again would count them twice.

        A report naming a transaction the CSMS does not know, or one of another charge
        point, is kept as an orphan report of its station, as a stop is (see :meth:`stop`).
        """
        async with self._unit_of_work() as uow:
            transaction = None
            if report.transaction_id is not None:
                transaction = await uow.transactions.get(report.transaction_id, for_update=True)
                if transaction is None or transaction.charge_point_id != report.charge_point_id:
                    content = OrphanContent.of_report(report, cause_for(transaction))
                    await self._keep_orphan(uow, content)
                    return
            if not await uow.meter_reports.add(report, self._clock.now()):
                LOG.info(
                    "repeated meter values charge_point_id=%s transaction_id=%s: "
                    "stored before, nothing changed",
                    report.charge_point_id,
                    report.transaction_id,
                )
                return
            await uow.meter_samples.add(report.samples())
            if transaction is not None and transaction.is_active:
                reading = latest_energy_register_wh(report.meter_values)
                if reading is not None:
                    # Not saved if a stop completed it meanwhile: its stop reading is final.
                    await uow.transactions.save(
                        transaction.with_register_reading(reading, self._clock.now())
                    )
            await uow.commit()

    async def get(self, transaction_id: int) -> Transaction:
        """The transaction with its meter values, one per timestamp, oldest first."""
        if transaction_id <= 0:
            raise InvalidTransactionRequest(
                f"id must be a positive transaction id, got {transaction_id}"
            )
        async with self._unit_of_work() as uow:
            transaction = await uow.transactions.get(transaction_id)
            if transaction is None:
                raise TransactionNotFound(transaction_id)
            samples = await uow.meter_samples.of_transaction(transaction_id)
        return replace(transaction, meter_values=group_meter_values(samples))

    async def list(self, query: TransactionQuery) -> TransactionPage:
        """A page of transactions, newest first, without their meter values."""
        async with self._unit_of_work() as uow:
            found = await uow.transactions.search(replace(query, limit=query.limit + 1))
            total = await uow.transactions.count(query)
        page = tuple(found[: query.limit])
        more = len(found) > query.limit
        return TransactionPage(page, page[-1].id if more and page else None, total, query.scope)

    async def count_active(self, id_tag: str) -> int:
        """How many ACTIVE transactions ``id_tag`` has: auth_svc's concurrent-use check."""
        if not id_tag:
            raise InvalidTransactionRequest("id_tag must not be empty")
        async with self._unit_of_work() as uow:
            return await uow.transactions.count_active(id_tag)

    async def count(self) -> TransactionCounts:
        """How many transactions are ACTIVE and COMPLETED, for operators' statistics."""
        async with self._unit_of_work() as uow:
            counts = await uow.transactions.count_by_status()
        return TransactionCounts(
            active=counts.get(TransactionStatus.ACTIVE, 0),
            completed=counts.get(TransactionStatus.COMPLETED, 0),
        )


async def check_reservations(
    uow: UnitOfWork, start: TransactionStart, parent_id_tag: str | None
) -> ReservationCheck:
    """What the charge point's reservations mean for ``start``: the candidates are those
    of its EVSE or of EVSE 0, and the one it names (see :func:`check_start`)."""
    candidates = await uow.reservations.active_on(start.charge_point_id, start.evse_id)
    if start.reservation_id is not None and all(r.id != start.reservation_id for r in candidates):
        named = await uow.reservations.get(start.reservation_id)
        if named is not None:
            candidates.append(named)
    return check_start(start, parent_id_tag, candidates)


def log_start(transaction: Transaction, check: ReservationCheck) -> None:
    """Log a started transaction and what it did to reservations."""
    decision = transaction.authorization_status
    LOG.info(
        "transaction %d started charge_point_id=%s connector_id=%d authorization=%s",
        transaction.id,
        transaction.charge_point_id,
        transaction.connector_id,
        "none" if decision is None else decision.name,
    )
    if check.used is not None:
        LOG.info("reservation %d used by transaction %d", check.used.id, transaction.id)
    if check.conflict is not None:
        LOG.warning(
            "transaction %d charge_point_id=%s evse_id=%d started by %s on an EVSE "
            "reserved for %s (reservation %d): answered %s",
            transaction.id,
            transaction.charge_point_id,
            transaction.evse_id,
            transaction.id_tag,
            check.conflict.id_tag,
            check.conflict.id,
            "none" if decision is None else decision.name,
        )
