"""What transaction_svc keeps of one station beyond its transactions, and the purge that
holds it to that (README "Storage bounds").

A station within its message rate could otherwise make the CSMS keep without end:

- orphan reports: each StopTransaction or MeterValues naming a different unknown
  transaction is a new one (:mod:`transaction_svc.domain.orphan`); each charge point keeps its
  newest ``orphan_reports``, reconciled or not;
- meter values of no transaction (OCPP 1.6 MeterValues.req without transactionId, §6.31),
  which no transaction's life ends: each charge point keeps its newest ``loose_samples``,
  and as many notes of those reports (:class:`MeterReportRepository`: a repetition is
  recognised while its note is kept).

A transaction, its events and its meter values are billing data and are kept whole: what
one transaction can hold is bounded by the station's message rate over the transaction's
life, not deleted here. The purge runs every CSMS_PURGE_INTERVAL seconds, so between two
purges a station may be above its bounds by what it sends meanwhile.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from servicekit.purge import in_batches
from transaction_svc.ports import UnitOfWork

# Rows deleted per database transaction: short ones, so station messages get in between.
PURGE_BATCH = 1000


@dataclass(frozen=True)
class Retention:
    """The bounds per charge point (:mod:`servicekit.storage_settings`)."""

    orphan_reports: int
    loose_samples: int


@dataclass(frozen=True)
class Purged:
    """How many rows one purge deleted, by what."""

    orphan_reports: int = 0
    loose_samples: int = 0
    loose_reports: int = 0

    def __bool__(self) -> bool:
        return any(vars(self).values())


class TransactionPurge:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        retention: Retention,
        batch: int = PURGE_BATCH,
    ) -> None:
        self._unit_of_work = unit_of_work
        self.retention = retention
        self._batch = batch

    async def run(self) -> Purged:
        """One purge of every record, each in transactions of at most ``batch`` rows."""
        bounds = self.retention
        return Purged(
            orphan_reports=await self._batched(
                lambda uow, n: uow.orphan_reports.delete_beyond(bounds.orphan_reports, n)
            ),
            loose_samples=await self._batched(
                lambda uow, n: uow.meter_samples.delete_loose_beyond(bounds.loose_samples, n)
            ),
            loose_reports=await self._batched(
                lambda uow, n: uow.meter_reports.delete_loose_beyond(bounds.loose_samples, n)
            ),
        )

    async def _batched(self, step: Callable[[UnitOfWork, int], Awaitable[int]]) -> int:
        return await in_batches(self._unit_of_work, step, self._batch)
