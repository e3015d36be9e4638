"""OCPP 2.x requestIds that no two replicas hand out: blocks reserved in Redis.

A station's later messages (NotifyReport parts, for one) name the request they answer,
so a station must never see one id twice, even when it reconnects to another replica.
Each replica reserves a block of ids with one atomic increment and takes ids from it
locally; the next block is reserved in the background when half of the current one is
used, so taking an id never waits for Redis.
"""

from __future__ import annotations

import asyncio
import logging
import secrets

from edge.cluster.directory import DirectoryUnavailable, RedisDirectory

LOG = logging.getLogger(__name__)

BLOCK = 10_000
COUNTER = "request-ids"
# Without Redis a block is chosen at random in the upper half of int32, where Redis's
# counter takes a very long time to reach: a collision needs two unlucky draws.
_FALLBACK_LOW = 2**30
_FALLBACK_HIGH = 2**31 - 1 - BLOCK


class RequestIds:
    def __init__(self, directory: RedisDirectory, block: int = BLOCK) -> None:
        self._directory = directory
        self._block = block
        self._next = 0
        self._end = 0  # exclusive
        self._reserved: tuple[int, int] | None = None
        self._refill: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._reserve()
        self._take_reserved()

    def __iter__(self) -> RequestIds:
        return self

    def __next__(self) -> int:
        if self._next >= self._end and not self._take_reserved():
            base = secrets.randbelow(_FALLBACK_HIGH - _FALLBACK_LOW) + _FALLBACK_LOW
            LOG.warning("no requestId block from Redis; using the random block from %d", base)
            self._next, self._end = base, base + self._block
        value = self._next
        self._next += 1
        running = self._refill is not None and not self._refill.done()
        if self._end - self._next < self._block // 2 and self._reserved is None and not running:
            self._refill = asyncio.ensure_future(self._reserve())
        return value

    async def stop(self) -> None:
        if self._refill is not None:
            self._refill.cancel()
            await asyncio.gather(self._refill, return_exceptions=True)

    async def _reserve(self) -> None:
        try:
            last = await self._directory.allocate(COUNTER, self._block)
        except DirectoryUnavailable as error:
            LOG.warning("%s", error)
            return
        self._reserved = (last - self._block + 1, last + 1)

    def _take_reserved(self) -> bool:
        if self._reserved is None:
            return False
        self._next, self._end = self._reserved
        self._reserved = None
        return True
