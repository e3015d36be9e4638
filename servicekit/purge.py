"""Running a service's storage purge in the background (README "Storage bounds")."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from servicekit.unit_of_work import UnitOfWork

LOG = logging.getLogger(__name__)

U = TypeVar("U", bound=UnitOfWork)


class Purge(Protocol):
    async def run(self) -> object:
        """Delete what is beyond the bounds once; the result says what (falsy: nothing)."""
        ...


async def purge_periodically(purge: Purge, interval: float) -> None:
    """Purge now and every ``interval`` seconds, until cancelled. A failed purge (the
    database away) is logged and tried again at the next interval."""
    while True:
        try:
            purged = await purge.run()
        except (SQLAlchemyError, OSError):
            LOG.exception("storage purge failed; trying again in %.0f s", interval)
        else:
            if purged:
                LOG.info("storage purge: deleted %s", purged)
        await asyncio.sleep(interval)


async def in_batches(
    unit_of_work: Callable[[], U], step: Callable[[U, int], Awaitable[int]], batch: int
) -> int:
    """Run ``step`` (a deletion of at most its second argument rows, returning how many it
    deleted) each time in its own transaction, until it deletes less than ``batch``; how
    many in all. Short transactions hold SQLite's write lock briefly, so station messages
    get in between."""
    deleted = 0
    while True:
        async with unit_of_work() as uow:
            count = await step(uow, batch)
            await uow.commit()
        deleted += count
        if count < batch:
            return deleted
        await asyncio.sleep(0)
