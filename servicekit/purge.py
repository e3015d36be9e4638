"""Running a service's storage purge in the background (README "Storage bounds")."""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError

LOG = logging.getLogger(__name__)


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
