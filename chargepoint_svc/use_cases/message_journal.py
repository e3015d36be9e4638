"""The operations on the message journal (:mod:`chargepoint_svc.domain.journal`): the edge records
batches of entries, operators read a charge point's timeline, and entries older than the
retention are deleted in the background and never shown meanwhile.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.journal import JournalCursor, JournalEntry, JournalQuery
from chargepoint_svc.errors import ChargePointNotFound
from chargepoint_svc.ports import UnitOfWork
from servicekit.clock import Clock
from servicekit.errors import InvalidArgument
from servicekit.pagination import PageRequest, next_page_token

LOG = logging.getLogger(__name__)

# How many expired entries one purge transaction deletes: small enough that the write
# lock (all of SQLite's) is held briefly, so station events are not kept waiting.
PURGE_BATCH = 2000


@dataclass(frozen=True)
class JournalPage:
    messages: list[JournalEntry]
    next_page_token: str


class MessageJournal:
    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], clock: Clock, retention: timedelta
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self.retention = retention

    async def record(self, entries: Sequence[JournalEntry]) -> None:
        """Store a batch, in its order (which becomes the order of arrival)."""
        if not entries:
            return
        async with self._unit_of_work() as uow:
            await uow.journal.add(entries)
            await uow.commit()

    async def list_messages(
        self,
        charge_point_id: str,
        page: PageRequest,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        actions: Sequence[str] = (),
    ) -> JournalPage:
        """Newest first. Entries past the retention are left out even before the purge
        has deleted them. An unknown charge point with no entries is not found (a typo
        should not look like a quiet station); one with entries is shown, so the frames
        of a station that never got registered can be read too."""
        if since is not None and until is not None and since >= until:
            raise InvalidArgument(
                f"from_time ({since.isoformat()}) must be before to_time ({until.isoformat()})"
            )
        oldest = self._clock.now() - self.retention
        query = JournalQuery(
            charge_point_id=ChargePointId(charge_point_id),
            since=oldest if since is None else max(since, oldest),
            until=until,
            actions=frozenset(actions),
            after=None if page.after is None else JournalCursor.parse(page.after),
            limit=page.size + 1,
        )
        async with self._unit_of_work() as uow:
            rows = await uow.journal.page(query)
            if not rows and query.after is None:
                known = await uow.charge_points.get(query.charge_point_id) is not None
                if not known and not await uow.journal.page(_any_of(query, oldest)):
                    raise ChargePointNotFound(charge_point_id)
        shown = rows[: page.size]
        last = JournalCursor.after(shown[-1]).text() if len(rows) > page.size else None
        return JournalPage(shown, next_page_token(last))

    async def purge(self, batch: int = PURGE_BATCH) -> int:
        """Delete every entry older than the retention, ``batch`` per transaction; the
        number deleted."""
        cutoff = self._clock.now() - self.retention
        deleted = 0
        while True:
            async with self._unit_of_work() as uow:
                count = await uow.journal.delete_before(cutoff, batch)
                await uow.commit()
            deleted += count
            if count < batch:
                return deleted
            await asyncio.sleep(0)  # let station events in between batches


def _any_of(query: JournalQuery, oldest: datetime) -> JournalQuery:
    """One entry of the charge point within the retention, whatever the filters."""
    return dataclasses.replace(query, since=oldest, until=None, actions=frozenset(), limit=1)
