"""The operator's reads of orphan reports (:mod:`transaction_svc.orphan`): what stations sent
for transactions the CSMS could not apply it to, to reconcile by hand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from transaction_svc.errors import InvalidTransactionRequest, OrphanReportNotFound
from transaction_svc.orphan import OrphanPage, OrphanQuery, OrphanReport
from transaction_svc.ports import UnitOfWork


class OrphanReportUseCases:
    def __init__(self, unit_of_work: Callable[[], UnitOfWork]) -> None:
        self._unit_of_work = unit_of_work

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
