"""The work a station does beside answering the CSMS: transactions, timers, follow-up
messages. The connection owns it; closing the connection cancels it."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from websockets.exceptions import ConnectionClosed

from simulator.errors import CallFailed
from simulator.uplink import Output


class Background:
    """Owned tasks. A CALLERROR ends only the task that got it, printed as its line, as a
    real station carries on; any other failure is kept for :meth:`failure` to raise."""

    def __init__(self, out: Output) -> None:
        self.out = out
        self._tasks: set[asyncio.Task[None]] = set()
        self._failed: asyncio.Future[BaseException] = asyncio.get_running_loop().create_future()

    def spawn(self, work: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.create_task(self._guarded(work), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    async def _guarded(self, work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except CallFailed as failure:
            self.out(str(failure))
        except ConnectionClosed:
            # The reader sees the same closed socket and ends the connection.
            return

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if task.cancelled() or self._failed.done():
            return
        error = task.exception()
        if error is not None:
            self._failed.set_result(error)

    async def failure(self) -> None:
        """Raise the first unexpected failure of a background task, when there is one."""
        raise await asyncio.shield(self._failed)

    async def close(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        # Failures were kept by _finished already; what is left here is cancellations.
        await asyncio.gather(*tasks, return_exceptions=True)
