"""What the use cases need from the outside world: storage behind a unit of work, auth_svc's
decisions, and the stations (through the edge). Adapters in :mod:`transaction_svc.adapters`
implement them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from servicekit import unit_of_work
from transaction_svc.domain.authorization import (
    Authorization,
    AuthorizationPurpose,
    AuthorizationStatus,
)
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


class TransactionRepository(Protocol):
    async def add(
        self,
        start: TransactionStart,
        authorization_status: AuthorizationStatus | None,
        now: datetime,
    ) -> Transaction:
        """Store a new ACTIVE transaction; the store allocates its id (never reused).
        ``authorization_status`` None: a 2.x transaction without an identifier yet."""
        ...

    async def find_by_station_id(
        self, charge_point_id: str, station_transaction_id: str, *, for_update: bool = False
    ) -> Transaction | None:
        """The 2.x transaction a charge point names with its own transactionId."""
        ...

    async def get(self, transaction_id: int, *, for_update: bool = False) -> Transaction | None:
        """The transaction without its meter values. ``for_update`` locks it until the unit
        of work ends, so concurrent stops and meter reports of it are serialised."""
        ...

    async def find_active(self, charge_point_id: str, connector_id: int) -> list[Transaction]:
        """The ACTIVE transactions on one connector of a charge point."""
        ...

    async def active_on_evse(self, charge_point_id: str, evse_id: int) -> list[Transaction]:
        """The ACTIVE transactions on one EVSE of a charge point, oldest first."""
        ...

    async def save(self, transaction: Transaction) -> bool:
        """Write back a change (stop, energy) to a transaction that is still ACTIVE in the
        store. False, and nothing written, when it is not: a concurrent stop completed it
        first. Only active transactions ever change, so this is a compare-and-set that holds
        even where ``for_update`` cannot lock (SQLite)."""
        ...

    async def search(self, query: TransactionQuery) -> list[Transaction]:
        """Up to ``query.limit`` transactions matching ``query``, id descending."""
        ...

    async def count(self, query: TransactionQuery) -> int:
        """How many transactions ``query``'s filters match (its page bounds aside)."""
        ...

    async def count_active(self, id_tag: str) -> int: ...

    async def count_by_status(self) -> dict[TransactionStatus, int]:
        """How many transactions there are of each status (absent: none)."""
        ...


class MeterSampleRepository(Protocol):
    async def add(self, samples: Sequence[MeterSample]) -> None: ...

    async def of_transaction(self, transaction_id: int) -> list[MeterSample]:
        """The transaction's samples ordered by time, then by arrival."""
        ...

    async def latest_energy_register(self, transaction_id: int) -> MeterSample | None:
        """Of the transaction's samples that are energy register readings
        (:meth:`SampledValue.energy_register_wh` is not None), the one with the latest
        time, of equal times the last to arrive; None when there is none. What
        :func:`latest_energy_register_wh` finds in :meth:`of_transaction`, without reading
        every sample of a long transaction for each event."""
        ...

    async def delete_loose_beyond(self, keep: int, limit: int) -> int:
        """Delete up to ``limit`` of the samples of no transaction (OCPP 1.6 MeterValues
        without transactionId) that lie beyond each charge point's ``keep`` newest; how
        many. Samples of a transaction are never deleted here."""
        ...


class MeterReportRepository(Protocol):
    async def add(self, report: MeterReport, now: datetime) -> bool:
        """Note that ``report`` is being stored. False, and nothing noted, when a report of
        the same charge point with the same :meth:`MeterReport.fingerprint` was: the
        station repeats it. Concurrent units of work noting one report: one gets True."""
        ...

    async def delete_loose_beyond(self, keep: int, limit: int) -> int:
        """Delete up to ``limit`` of the notes of reports of no transaction beyond each
        charge point's ``keep`` newest; how many. (A repetition of a report whose note went
        is stored again: only a station's retry within the bound is recognised.)"""
        ...


class TransactionEventRepository(Protocol):
    async def add(self, event: RecordedEvent) -> None:
        """Record an event; each (transaction, :class:`EventIdentity`) at most once (the
        store refuses more)."""
        ...

    async def find(self, transaction_id: int, identity: EventIdentity) -> RecordedEvent | None:
        """The event of the transaction recorded with that identity: the one a repeat
        repeats."""
        ...

    async def of_transaction(self, transaction_id: int) -> list[RecordedEvent]:
        """Every event of the transaction, by seqNo."""
        ...


class OrphanReportRepository(Protocol):
    async def add(self, content: OrphanContent, now: datetime) -> tuple[OrphanReport, bool]:
        """Keep ``content``; the report as stored, and whether it is new. A report of the
        same charge point with the same :meth:`OrphanContent.fingerprint` is the station's
        repetition: the one stored first is returned, and nothing is written."""
        ...

    async def get(self, orphan_id: int) -> OrphanReport | None: ...

    async def reconcile(self, orphan_id: int, reconciliation: Reconciliation) -> bool:
        """Record ``reconciliation`` of a report not reconciled yet. False, and nothing
        written, when it is reconciled already (or does not exist)."""
        ...

    async def search(self, query: OrphanQuery) -> list[OrphanReport]:
        """Up to ``query.limit`` reports matching ``query``, id descending."""
        ...

    async def delete_beyond(self, keep: int, limit: int) -> int:
        """Delete up to ``limit`` reports beyond each charge point's ``keep`` newest,
        reconciled or not; how many."""
        ...


class ReservationRepository(Protocol):
    async def add(self, request: ReservationRequest, now: datetime) -> Reservation:
        """Store a new PENDING reservation; the store allocates its id (never reused: it is
        the OCPP reservationId a station may still hold)."""
        ...

    async def get(self, reservation_id: int) -> Reservation | None:
        """The reservation as stored (ACTIVE even when expired; see ``Reservation.as_of``)."""
        ...

    async def save(self, reservation: Reservation, *, expected: ReservationStatus) -> bool:
        """Write back a change to a reservation still stored with status ``expected``. False,
        and nothing written, when it is not: a concurrent change came first."""
        ...

    async def active_on(self, charge_point_id: str, evse_id: int) -> list[Reservation]:
        """The stored-ACTIVE reservations of the charge point that hold ``evse_id``: its
        own, and those of EVSE 0. Expired ones included; the domain tells them apart."""
        ...

    async def search(self, query: ReservationQuery, now: datetime) -> list[Reservation]:
        """Up to ``query.limit`` reservations matching ``query`` (status as reported at
        ``now``), id descending."""
        ...


class UnitOfWork(unit_of_work.UnitOfWork, Protocol):
    """One database transaction: everything done through its repositories is committed
    together by :meth:`commit`, or discarded on :meth:`rollback` or on leaving the block
    without a commit."""

    @property
    def transactions(self) -> TransactionRepository: ...

    @property
    def meter_samples(self) -> MeterSampleRepository: ...

    @property
    def meter_reports(self) -> MeterReportRepository: ...

    @property
    def transaction_events(self) -> TransactionEventRepository: ...

    @property
    def reservations(self) -> ReservationRepository: ...

    @property
    def orphan_reports(self) -> OrphanReportRepository: ...


class Authorizer(Protocol):
    """auth_svc's decision about an identifier, as the station receives it in idTagInfo."""

    async def authorize(
        self,
        id_tag: str,
        charge_point_id: str,
        purpose: AuthorizationPurpose,
        id_token_type: str = "",
    ) -> Authorization:
        """``id_token_type``: the 2.x type the station gave (with the id tag, the token's
        identity); "" for 1.6. Raise :class:`transaction_svc.errors.AuthServiceUnavailable`
        when no decision could be had."""
        ...


class IdTokenTypes(Protocol):
    """The OCPP 2.x id token type auth_svc stores with an identifier."""

    async def type_of(self, id_tag: str) -> str | None:
        """Its stored type; None for an identifier auth_svc does not store. Raise
        :class:`transaction_svc.errors.AuthServiceUnavailable` when auth_svc cannot say."""
        ...


class Stations(Protocol):
    """The calls this service sends to charge points, through the edge's EdgeService.

    Each raises the station errors of :mod:`servicekit.edge_errors` with the status the
    edge gave: StationNotConnected, StationDidNotAnswer, StationRefused (a CALLERROR),
    StationCannot, StationRequestInvalid, EdgeUnavailable, EdgeFailed.
    """

    async def reserve_now(self, reservation: Reservation) -> str:
        """Send ReserveNow; the station's answer by name: ACCEPTED, FAULTED, OCCUPIED,
        REJECTED or UNAVAILABLE."""
        ...

    async def cancel_reservation(self, charge_point_id: str, reservation_id: int) -> bool:
        """Send CancelReservation; whether the station accepted."""
        ...

    async def transaction_status(
        self, charge_point_id: str, transaction_id: int
    ) -> tuple[bool | None, bool]:
        """Send GetTransactionStatus (OCPP 2.0.1 E14) about the CSMS transaction
        ``transaction_id``: whether it is ongoing (None when the station did not say) and
        whether the station has messages queued."""
        ...
