"""The operator's side of orphan reports (:mod:`transaction_svc.domain.orphan`): reading what
stations sent for transactions the CSMS could not apply it to, and recording that one was
reconciled."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from servicekit.clock import Clock
from transaction_svc.domain.orphan import OrphanPage, OrphanQuery, OrphanReport, Reconciliation
from transaction_svc.errors import (
    InvalidTransactionRequest,
    OrphanReportNotFound,
    OrphanReportReconciled,
    TransactionNotFound,
)
from transaction_svc.ports import UnitOfWork

LOG = logging.getLogger(__name__)


class OrphanReportUseCases:
    def __init__(self, unit_of_work: Callable[[], UnitOfWork], clock: Clock) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock

    async def reconcile(
        self, orphan_id: int, note: str, transaction_id: int | None
    ) -> OrphanReport:
        """Mark an orphan report reconciled, once, with the operator's note and the
        transaction it was matched to (which must exist). The report's data stays as it
        came: reconciling is the operator's record, not a change to any transaction."""
        reconciliation = Reconciliation(self._clock.now(), note, transaction_id)
        await self.get(orphan_id)
        async with self._unit_of_work() as uow:
            if transaction_id is not None and await uow.transactions.get(transaction_id) is None:
                raise TransactionNotFound(transaction_id)
            if not await uow.orphan_reports.reconcile(orphan_id, reconciliation):
                raise OrphanReportReconciled(orphan_id)
            reconciled = await uow.orphan_reports.get(orphan_id)
            await uow.commit()
        if reconciled is None:
            raise OrphanReportNotFound(orphan_id)
        LOG.info(
            "orphan report %d charge_point_id=%s reconciled (transaction %s)",
            orphan_id,
            reconciled.content.charge_point_id,
            transaction_id,
        )
        return reconciled

    async def get(self, orphan_id: int) -> OrphanReport:
        if orphan_id <= 0:
            raise InvalidTransactionRequest(
                f"id must be a positive orphan report id, got {orphan_id}"
            )
        async with self._unit_of_work() as uow:
            orphan = await uow.orphan_reports.get(orphan_id)
        if orphan is None:
            raise OrphanReportNotFound(orphan_id)
        return orphan

    async def list(self, query: OrphanQuery) -> OrphanPage:
        """A page of orphan reports, newest first."""
        async with self._unit_of_work() as uow:
            found = await uow.orphan_reports.search(replace(query, limit=query.limit + 1))
        page = tuple(found[: query.limit])
        more = len(found) > query.limit
        return OrphanPage(page, page[-1].id if more and page else None)
