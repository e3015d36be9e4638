"""In-memory twins of the SQL repositories and unit of work, for fast tests of the use cases.

A :class:`MemoryStore` plays the database; each :class:`MemoryUnitOfWork` works on a copy of
it and writes the copy back on commit, so uncommitted work vanishes as it would in SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from servicekit import unit_of_work
from servicekit.ocpp_vocabulary import DEFAULT_ID_TOKEN_TYPE
from servicekit.row_bounds import indexes_beyond
from transaction_svc.domain.authorization import AuthorizationStatus
from transaction_svc.domain.meter_values import MeterReport, MeterSample
from transaction_svc.domain.orphan import OrphanContent, OrphanQuery, OrphanReport, Reconciliation
from transaction_svc.domain.reservation import (
    Reservation,
    ReservationQuery,
    ReservationRequest,
    ReservationStatus,
)
from transaction_svc.domain.transaction import (
    Transaction,
    TransactionQuery,
    TransactionStart,
    TransactionStatus,
)
from transaction_svc.domain.transaction_event import EventIdentity, RecordedEvent


@dataclass
class MemoryStore(unit_of_work.MemoryStore):
    transactions: dict[int, Transaction] = field(default_factory=dict)
    samples: list[MeterSample] = field(default_factory=list)
    # Like AUTOINCREMENT: ids only grow, so none is handed out twice.
    last_id: int = 0
    reservations: dict[int, Reservation] = field(default_factory=dict)
    last_reservation_id: int = 0
    # OCPP 2.x transaction events by (transaction id, identity), as UNIQUE in SQL.
    events: dict[tuple[int, EventIdentity], RecordedEvent] = field(default_factory=dict)
    # (charge point id, fingerprint) of the meter reports stored, as UNIQUE in SQL, each
    # with its transaction id, in the order stored.
    reports: dict[tuple[str, str], int | None] = field(default_factory=dict)
    orphans: dict[int, OrphanReport] = field(default_factory=dict)
    last_orphan_id: int = 0


class MemoryTransactionRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def add(
        self,
        start: TransactionStart,
        authorization_status: AuthorizationStatus | None,
        now: datetime,
    ) -> Transaction:
        self._store.last_id += 1
        transaction = Transaction(
            id=self._store.last_id,
            charge_point_id=start.charge_point_id,
            evse_id=start.evse_id,
            connector_id=start.connector_id,
            id_tag=start.id_tag,
            status=TransactionStatus.ACTIVE,
            meter_start_wh=start.meter_start_wh,
            meter_stop_wh=None,
            energy_wh=0.0,
            started_at=start.started_at,
            stopped_at=None,
            stop_reason=None,
            stop_id_tag=None,
            reservation_id=start.reservation_id,
            ocpp_version=start.ocpp_version,
            authorization_status=authorization_status,
            created_at=now,
            updated_at=now,
            station_transaction_id=start.station_transaction_id,
            charging_state=start.charging_state,
            id_token_type=start.id_token_type,
        )
        if start.station_transaction_id is not None and await self.find_by_station_id(
            start.charge_point_id, start.station_transaction_id
        ):
            raise ValueError("UNIQUE (charge_point_id, station_transaction_id) violated")
        self._store.transactions[transaction.id] = transaction
        return transaction

    async def get(self, transaction_id: int, *, for_update: bool = False) -> Transaction | None:
        return self._store.transactions.get(transaction_id)

    async def find_by_station_id(
        self, charge_point_id: str, station_transaction_id: str, *, for_update: bool = False
    ) -> Transaction | None:
        return next(
            (
                t
                for t in self._store.transactions.values()
                if t.charge_point_id == charge_point_id
                and t.station_transaction_id == station_transaction_id
            ),
            None,
        )

    async def find_active(self, charge_point_id: str, connector_id: int) -> list[Transaction]:
        return [
            t
            for t in sorted(self._store.transactions.values(), key=lambda t: t.id)
            if t.is_active and t.charge_point_id == charge_point_id
            if t.connector_id == connector_id
        ]

    async def active_on_evse(self, charge_point_id: str, evse_id: int) -> list[Transaction]:
        return [
            t
            for t in sorted(self._store.transactions.values(), key=lambda t: t.id)
            if t.is_active and t.charge_point_id == charge_point_id and t.evse_id == evse_id
        ]

    async def save(self, transaction: Transaction) -> bool:
        stored = self._store.transactions.get(transaction.id)
        if stored is None or not stored.is_active:
            return False
        # Meter values live in their own repository, as they do in SQL.
        self._store.transactions[transaction.id] = replace(transaction, meter_values=())
        return True

    async def search(self, query: TransactionQuery) -> list[Transaction]:
        found = [
            t
            for t in sorted(self._store.transactions.values(), key=lambda t: -t.id)
            if query.before_id is None or t.id < query.before_id
            if query.matches(t)
        ]
        return found[: query.limit]

    async def count(self, query: TransactionQuery) -> int:
        return sum(1 for t in self._store.transactions.values() if query.matches(t))

    async def count_active(self, id_tag: str) -> int:
        return sum(
            1 for t in self._store.transactions.values() if t.is_active and t.id_tag == id_tag
        )

    async def count_by_status(self) -> dict[TransactionStatus, int]:
        counts: dict[TransactionStatus, int] = {}
        for transaction in self._store.transactions.values():
            counts[transaction.status] = counts.get(transaction.status, 0) + 1
        return counts


class MemoryMeterSampleRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def add(self, samples: Sequence[MeterSample]) -> None:
        self._store.samples.extend(samples)

    async def of_transaction(self, transaction_id: int) -> list[MeterSample]:
        # sorted() is stable: equal timestamps keep their arrival order.
        return sorted(
            (s for s in self._store.samples if s.transaction_id == transaction_id),
            key=lambda s: s.sampled_at,
        )

    async def latest_energy_register(self, transaction_id: int) -> MeterSample | None:
        latest = None
        for sample in await self.of_transaction(transaction_id):
            if sample.sampled_value.energy_register_wh() is not None:
                latest = sample
        return latest

    async def delete_loose_beyond(self, keep: int, limit: int) -> int:
        newest = [s for s in reversed(self._store.samples) if s.transaction_id is None]
        doomed = {
            id(newest[index])
            for index in indexes_beyond([s.charge_point_id for s in newest], keep, limit)
        }
        self._store.samples = [s for s in self._store.samples if id(s) not in doomed]
        return len(doomed)


class MemoryMeterReportRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def add(self, report: MeterReport, now: datetime) -> bool:
        key = (report.charge_point_id, report.fingerprint())
        if key in self._store.reports:
            return False
        self._store.reports[key] = report.transaction_id
        return True

    async def delete_loose_beyond(self, keep: int, limit: int) -> int:
        loose = [key for key, tx in reversed(self._store.reports.items()) if tx is None]
        doomed = indexes_beyond([owner for owner, _ in loose], keep, limit)
        for index in doomed:
            del self._store.reports[loose[index]]
        return len(doomed)


class MemoryTransactionEventRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def add(self, event: RecordedEvent) -> None:
        key = (event.transaction_id, event.identity)
        if key in self._store.events:
            raise ValueError(f"UNIQUE (transaction_id, identity) violated by {key}")
        self._store.events[key] = event

    async def find(self, transaction_id: int, identity: EventIdentity) -> RecordedEvent | None:
        return self._store.events.get((transaction_id, identity))

    async def of_transaction(self, transaction_id: int) -> list[RecordedEvent]:
        # By seqNo, then in the order recorded (dicts keep it; sorted() is stable).
        return sorted(
            (e for (tx, _), e in self._store.events.items() if tx == transaction_id),
            key=lambda e: e.seq_no,
        )


class MemoryOrphanReportRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def add(self, content: OrphanContent, now: datetime) -> tuple[OrphanReport, bool]:
        fingerprint = content.fingerprint()
        for stored in self._store.orphans.values():
            same_station = stored.content.charge_point_id == content.charge_point_id
            if same_station and stored.content.fingerprint() == fingerprint:
                return stored, False
        self._store.last_orphan_id += 1
        orphan = OrphanReport(self._store.last_orphan_id, content, now)
        self._store.orphans[orphan.id] = orphan
        return orphan, True

    async def get(self, orphan_id: int) -> OrphanReport | None:
        return self._store.orphans.get(orphan_id)

    async def reconcile(self, orphan_id: int, reconciliation: Reconciliation) -> bool:
        stored = self._store.orphans.get(orphan_id)
        if stored is None or stored.reconciliation is not None:
            return False
        self._store.orphans[orphan_id] = replace(stored, reconciliation=reconciliation)
        return True

    async def search(self, query: OrphanQuery) -> list[OrphanReport]:
        found = [
            o
            for o in sorted(self._store.orphans.values(), key=lambda o: -o.id)
            if query.before_id is None or o.id < query.before_id
            if query.charge_point_id is None or o.content.charge_point_id == query.charge_point_id
            if not query.unreconciled or o.reconciliation is None
        ]
        return found[: query.limit]

    async def delete_beyond(self, keep: int, limit: int) -> int:
        newest = sorted(self._store.orphans, reverse=True)
        owners = [self._store.orphans[orphan_id].content.charge_point_id for orphan_id in newest]
        doomed = indexes_beyond(owners, keep, limit)
        for index in doomed:
            del self._store.orphans[newest[index]]
        return len(doomed)


class MemoryReservationRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def add(self, request: ReservationRequest, now: datetime) -> Reservation:
        if request.expires_at is None:
            raise ValueError("a reservation is stored only once its request was checked")
        self._store.last_reservation_id += 1
        reservation = Reservation(
            id=self._store.last_reservation_id,
            charge_point_id=request.charge_point_id,
            evse_id=request.evse_id,
            id_tag=request.id_tag,
            parent_id_tag=request.parent_id_tag,
            connector_type=request.connector_type,
            id_token_type=request.id_token_type or DEFAULT_ID_TOKEN_TYPE,
            expires_at=request.expires_at,
            status=ReservationStatus.PENDING,
            station_status=None,
            created_at=now,
            updated_at=now,
        )
        self._store.reservations[reservation.id] = reservation
        return reservation

    async def get(self, reservation_id: int) -> Reservation | None:
        return self._store.reservations.get(reservation_id)

    async def save(self, reservation: Reservation, *, expected: ReservationStatus) -> bool:
        stored = self._store.reservations.get(reservation.id)
        if stored is None or stored.status is not expected:
            return False
        # Only what the SQL adapter writes changes; the request's fields stay as stored.
        self._store.reservations[reservation.id] = replace(
            stored,
            status=reservation.status,
            station_status=reservation.station_status,
            transaction_id=reservation.transaction_id,
            station_update=reservation.station_update,
            updated_at=reservation.updated_at,
        )
        return True

    async def active_on(self, charge_point_id: str, evse_id: int) -> list[Reservation]:
        return [
            r
            for r in sorted(self._store.reservations.values(), key=lambda r: r.id)
            if r.charge_point_id == charge_point_id and r.status is ReservationStatus.ACTIVE
            if r.holds_evse(evse_id)
        ]

    async def search(self, query: ReservationQuery, now: datetime) -> list[Reservation]:
        found = [
            r
            for r in sorted(self._store.reservations.values(), key=lambda r: -r.id)
            if query.matches(r, now)
        ]
        return found[: query.limit]


class MemoryUnitOfWork(unit_of_work.MemoryUnitOfWork[MemoryStore]):
    @property
    def transactions(self) -> MemoryTransactionRepository:
        return MemoryTransactionRepository(self.working)

    @property
    def meter_samples(self) -> MemoryMeterSampleRepository:
        return MemoryMeterSampleRepository(self.working)

    @property
    def meter_reports(self) -> MemoryMeterReportRepository:
        return MemoryMeterReportRepository(self.working)

    @property
    def transaction_events(self) -> MemoryTransactionEventRepository:
        return MemoryTransactionEventRepository(self.working)

    @property
    def reservations(self) -> MemoryReservationRepository:
        return MemoryReservationRepository(self.working)

    @property
    def orphan_reports(self) -> MemoryOrphanReportRepository:
        return MemoryOrphanReportRepository(self.working)
