"""What the use cases need from the outside world: storage behind a unit of work, and
auth_svc's decisions. Adapters in :mod:`transaction_svc.adapters` implement them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from servicekit import unit_of_work
from transaction_svc.domain import (
    Authorization,
    AuthorizationPurpose,
    AuthorizationStatus,
    MeterSample,
    Transaction,
    TransactionQuery,
    TransactionStart,
)


class TransactionRepository(Protocol):
    async def add(
        self, start: TransactionStart, authorization_status: AuthorizationStatus, now: datetime
    ) -> Transaction:
        """Store a new ACTIVE transaction; the store allocates its id (never reused)."""
        ...

    async def get(self, transaction_id: int, *, for_update: bool = False) -> Transaction | None:
        """The transaction without its meter values. ``for_update`` locks it until the unit
        of work ends, so concurrent stops and meter reports of it are serialised."""
        ...

    async def find_active(self, charge_point_id: str, connector_id: int) -> list[Transaction]:
        """The ACTIVE transactions on one connector of a charge point."""
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

    async def count_active(self, id_tag: str) -> int: ...


class MeterSampleRepository(Protocol):
    async def add(self, samples: Sequence[MeterSample]) -> None: ...

    async def of_transaction(self, transaction_id: int) -> list[MeterSample]:
        """The transaction's samples ordered by time, then by arrival."""
        ...


class UnitOfWork(unit_of_work.UnitOfWork, Protocol):
    """One database transaction: everything done through its repositories is committed
    together by :meth:`commit`, or discarded on :meth:`rollback` or on leaving the block
    without a commit."""

    @property
    def transactions(self) -> TransactionRepository: ...

    @property
    def meter_samples(self) -> MeterSampleRepository: ...


class Authorizer(Protocol):
    """auth_svc's decision about an identifier, as the station receives it in idTagInfo."""

    async def authorize(
        self, id_tag: str, charge_point_id: str, purpose: AuthorizationPurpose
    ) -> Authorization:
        """Raise :class:`transaction_svc.errors.AuthServiceUnavailable` when no decision
        could be had."""
        ...
