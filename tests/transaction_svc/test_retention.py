"""The storage purge (transaction_svc.retention) on the in-memory store: one run holds each
charge point's orphan reports and meter values of no transaction to their bounds, in
batches, and leaves transactions' meter values alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from servicekit.clock import FixedClock
from transaction_svc.adapters.memory import MemoryStore, MemoryUnitOfWork
from transaction_svc.domain.meter_values import MeterReport, MeterValue, SampledValue
from transaction_svc.domain.orphan import OrphanCause, OrphanContent
from transaction_svc.retention import Purged, Retention, TransactionPurge

pytestmark = pytest.mark.unit


T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def _report(cp_id: str, seconds: int, transaction_id: int | None) -> MeterReport:
    value = MeterValue(T0 + timedelta(seconds=seconds), (SampledValue(float(seconds)),))
    return MeterReport(cp_id, 1, 1, transaction_id, (value,))


async def test_one_run_holds_orphans_and_loose_samples_to_their_bounds_in_batches() -> None:
    store = MemoryStore()
    clock = FixedClock(T0)
    async with MemoryUnitOfWork(store) as uow:
        for cp_id, count in (("CP1", 5), ("CP2", 2)):
            for n in range(count):
                report = _report(cp_id, n, 1000 + n)
                content = OrphanContent.of_report(report, OrphanCause.TRANSACTION_UNKNOWN)
                await uow.orphan_reports.add(content, clock.now())
        for n in range(6):
            for transaction_id in (None, 7):
                report = _report("CP1", n, transaction_id)
                assert await uow.meter_reports.add(report, clock.now())
                await uow.meter_samples.add(report.samples())
        await uow.commit()

    purge = TransactionPurge(lambda: MemoryUnitOfWork(store), Retention(2, 3), batch=2)
    assert await purge.run() == Purged(orphan_reports=3, loose_samples=3, loose_reports=3)
    assert await purge.run() == Purged()

    kept = sorted(
        (o.content.charge_point_id, o.content.transaction_id) for o in store.orphans.values()
    )
    assert kept == [("CP1", 1003), ("CP1", 1004), ("CP2", 1000), ("CP2", 1001)]
    loose = [s.sampled_value.value for s in store.samples if s.transaction_id is None]
    assert loose == [3.0, 4.0, 5.0]
    assert len([s for s in store.samples if s.transaction_id == 7]) == 6
    assert sorted(tx for tx in store.reports.values() if tx is not None) == [7] * 6
    assert len([tx for tx in store.reports.values() if tx is None]) == 3
