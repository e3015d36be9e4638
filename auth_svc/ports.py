"""What the use cases need from the outside world, as protocols.

Adapters implement them: :mod:`auth_svc.adapters.sql` and :mod:`auth_svc.adapters.memory`
for storage, :mod:`auth_svc.adapters.transaction_client` for transaction_svc.
"""

from __future__ import annotations

from typing import Protocol

from auth_svc.domain import IdTag
from servicekit import unit_of_work


class IdTagRepository(Protocol):
    async def get(self, id_tag: str) -> IdTag | None: ...

    async def add(self, tag: IdTag) -> None:
        """Store a new identifier; raise :class:`auth_svc.errors.DuplicateIdTag` if stored."""
        ...

    async def replace(self, tag: IdTag) -> None:
        """Overwrite the stored identifier with the same ``id_tag`` (which must exist)."""
        ...

    async def list_after(self, after: str | None, limit: int) -> list[IdTag]:
        """At most ``limit`` identifiers in id_tag order, those after ``after`` if given."""
        ...


class UnitOfWork(unit_of_work.UnitOfWork, Protocol):
    """One database transaction. Leaving the block without :meth:`commit` rolls it back."""

    @property
    def id_tags(self) -> IdTagRepository: ...


class ActiveTransactions(Protocol):
    """transaction_svc's knowledge of open transactions, needed for ConcurrentTx."""

    async def count_active(self, id_tag: str) -> int:
        """How many transactions ``id_tag`` has open now.

        Raises :class:`auth_svc.errors.TransactionServiceUnavailable` when nobody answers.
        """
        ...
