"""OCPP 2.x TransactionEvent (2.0.1 E01-E15): one event of a transaction the station names
with its own transactionId, applied to the same version-neutral transactions as OCPP 1.6.

The flow of one event:

1. Read: the transaction (charge point, station transactionId) and whether this event is
   already recorded (:class:`~transaction_svc.domain.transaction_event.EventIdentity`: seqNo,
   eventType, timestamp, triggerReason). A recorded event is a repetition (the station
   lost the answer, or sent its offline queue again): nothing changes and the stored answer
   is given. Another event with a seqNo already used is a new event, applied.
2. Ask auth_svc about the idToken, if the event carries one, before anything is written:
   when auth_svc cannot answer, nothing is stored and the station's retry starts afresh.
3. Write, in one database transaction: create the transaction when the CSMS does not know
   it (whatever the event type), store the meter values, apply the event, record it. An
   event of a transaction that already ended is recorded and answered, but its meter
   values are not added to the completed transaction: its energy and readings are final.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from servicekit.clock import Clock
from transaction_svc.domain.authorization import Authorization, AuthorizationPurpose
from transaction_svc.domain.meter_values import group_meter_values
from transaction_svc.domain.orphan import OrphanContent
from transaction_svc.domain.reservation import ReservationStatus
from transaction_svc.domain.transaction import Transaction
from transaction_svc.domain.transaction_event import (
    TransactionEvent,
    TransactionEventType,
    without_own_use,
)
from transaction_svc.errors import TransactionConflict
from transaction_svc.ports import Authorizer, UnitOfWork
from transaction_svc.use_cases.closures import close_superseded
from transaction_svc.use_cases.transactions import check_reservations, log_start

LOG = logging.getLogger(__name__)

# As for 1.6 starts: a creation decides again when a concurrent start used its reservation.
_ATTEMPTS = 3


@dataclass(frozen=True)
class EventOutcome:
    transaction: Transaction
    # The idTokenInfo for the station; None when the event carried no idToken.
    authorization: Authorization | None


class TransactionEventUseCases:
    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], clock: Clock, authorizer: Authorizer
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._authorizer = authorizer

    async def record(self, event: TransactionEvent) -> EventOutcome:
        """Record one TransactionEvent and answer it (see the module docstring).

        The idToken is asked about with purpose START_TRANSACTION when the event creates the
        transaction (it cannot count against itself yet), and with AUTHORIZE inside a known
        transaction, where a ConcurrentTx caused by that very transaction is no concurrent
        use (:func:`without_own_use`). An event without an idToken (most Updated events)
        needs no decision, and is written in one unit of work.
        """
        authorization = None
        if event.id_tag:
            async with self._unit_of_work() as uow:
                known = await uow.transactions.find_by_station_id(
                    event.charge_point_id, event.station_transaction_id
                )
                if known is not None:
                    recorded = await uow.transaction_events.find(known.id, event.identity)
                    if recorded is not None:
                        return self._repeated(known, recorded.authorization())
            purpose = (
                AuthorizationPurpose.START_TRANSACTION
                if known is None
                else AuthorizationPurpose.AUTHORIZE
            )
            authorization = await self._authorizer.authorize(
                event.id_tag, event.charge_point_id, purpose, event.id_token_type
            )
        for _attempt in range(_ATTEMPTS):
            outcome = await self._apply(event, authorization)
            if outcome is not None:
                return outcome
        raise TransactionConflict(event.charge_point_id)

    def _repeated(
        self, transaction: Transaction, authorization: Authorization | None
    ) -> EventOutcome:
        LOG.info(
            "repeated transaction event of transaction %d charge_point_id=%s: answered as before",
            transaction.id,
            transaction.charge_point_id,
        )
        return EventOutcome(transaction, authorization)

    async def _apply(
        self, event: TransactionEvent, authorization: Authorization | None
    ) -> EventOutcome | None:
        """Write the event in one unit of work; None when a concurrent start claimed the
        reservation this one would use (nothing written: decide again)."""
        async with self._unit_of_work() as uow:
            transaction = await uow.transactions.find_by_station_id(
                event.charge_point_id, event.station_transaction_id, for_update=True
            )
            decided = authorization
            if transaction is None:
                created = await self._create(uow, event, authorization)
                if created is None:
                    return None
                transaction, decided = created
            else:
                recorded = await uow.transaction_events.find(transaction.id, event.identity)
                if recorded is not None:
                    return self._repeated(transaction, recorded.authorization())
                if decided is not None and event.id_tag:
                    decided = without_own_use(
                        decided,
                        await uow.transactions.count_active(event.id_tag),
                        counts_itself=transaction.is_active and transaction.id_tag == event.id_tag,
                    )
            if transaction.is_active:
                await uow.meter_samples.add(event.samples(transaction))
                latest = await uow.meter_samples.latest_energy_register(transaction.id)
                changed = event.applied_to(
                    transaction,
                    decided,
                    group_meter_values([latest] if latest else []),
                    self._clock.now(),
                )
                if await uow.transactions.save(changed):
                    transaction = changed
            else:
                await self._keep_late(uow, event, transaction)
            await uow.transaction_events.add(event.recorded(transaction.id, decided))
            await uow.commit()
        if event.event_type is TransactionEventType.ENDED:
            LOG.info(
                "transaction %d ended (event seq_no=%d) charge_point_id=%s energy_wh=%.3f",
                transaction.id,
                event.seq_no,
                transaction.charge_point_id,
                transaction.energy_wh,
            )
        return EventOutcome(transaction, decided)

    async def _keep_late(
        self, uow: UnitOfWork, event: TransactionEvent, transaction: Transaction
    ) -> None:
        """An event of a transaction that already ended is recorded and answered, but the
        completed transaction and its meter values stay final; the event's meter values
        are kept as an orphan report (:mod:`transaction_svc.domain.orphan`)."""
        kept = ""
        if event.meter_values:
            content = OrphanContent.of_late_event(event, transaction)
            orphan, _ = await uow.orphan_reports.add(content, self._clock.now())
            kept = f", its meter values kept as orphan report {orphan.id}"
        LOG.warning(
            "transaction event %s seq_no=%d of transaction %d charge_point_id=%s after it "
            "ended: recorded, the transaction left as it was%s",
            event.event_type.name,
            event.seq_no,
            transaction.id,
            transaction.charge_point_id,
            kept,
        )

    async def _create(
        self, uow: UnitOfWork, event: TransactionEvent, authorization: Authorization | None
    ) -> tuple[Transaction, Authorization | None] | None:
        """Store the transaction the event begins, with reservations handled as a 1.6
        StartTransaction does (2.0.1 H01: the Started event names the reservationId)."""
        start = event.start()
        parent = None if authorization is None else authorization.parent_id_tag
        check = await check_reservations(uow, start, parent)
        decided = None if authorization is None else check.authorization(authorization)
        used_id = None if check.used is None else check.used.id
        transaction = await uow.transactions.add(
            replace(start, reservation_id=used_id),
            None if decided is None else decided.status,
            self._clock.now(),
        )
        if check.used is not None and not await uow.reservations.save(
            check.used.used_by(transaction.id, self._clock.now()),
            expected=ReservationStatus.ACTIVE,
        ):
            LOG.info("reservation %d was used concurrently: deciding again", used_id)
            return None
        await close_superseded(uow, transaction, self._clock.now())
        if event.event_type is not TransactionEventType.STARTED:
            LOG.info(
                "transaction %s of charge_point_id=%s first heard of in a %s event: created",
                event.station_transaction_id,
                event.charge_point_id,
                event.event_type.name,
            )
        log_start(transaction, check)
        return transaction, decided
