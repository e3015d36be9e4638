"""The System page's last hour: ``GET /api/v1/statistics`` sampled in the background.

The API keeps counters since each edge replica started, not history, so the console keeps
the history itself: :class:`Sampler` reads the statistics every ``interval`` seconds (the
first at once) into a ring buffer that holds one hour, and derives per-interval figures
from consecutive readings: active connections, messages received and sent per second,
CALLERRORs sent per second, and the worst p99 answer time across actions.

Counters go back to zero when an edge replica restarts (or one leaves the sum). A reading
whose counters went down, or whose replica count or start changed, is a reset: its rates
are left out (``None``, a gap in the chart) and it becomes the base of the next ones, so a
rate is never negative and never spans a restart.

With ``CSMS_API_AUTH=jwt`` the console needs a token of its own for this (the operators'
tokens belong to their requests): ``CSMS_CONSOLE_API_TOKEN``. A 401 is recorded
(:attr:`Sampler.refused`) and the System page says the charts need that variable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from console.api import Api
from console.errors import ApiError

LOG = logging.getLogger(__name__)

HOUR = 3600.0
STATISTICS = "/api/v1/statistics"


def count(value: Any) -> int:
    """An int64 of the API (a string in JSON) as an int; 0 when absent or not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def number(value: Any) -> float | None:
    """A JSON number (a double of the API) as a float; None when absent or not finite."""
    try:
        found = float(value)
    except (TypeError, ValueError):
        return None
    return found if math.isfinite(found) else None


@dataclass(frozen=True)
class Reading:
    """The counters of one answer, as read."""

    at: float
    """Unix seconds (the console's clock)."""
    active_connections: int
    messages_received: int
    messages_sent: int
    call_errors: int
    worst_p99_ms: float | None
    replicas: int
    since: str

    @classmethod
    def of(cls, body: Mapping[str, Any], at: float) -> Reading:
        errors = body.get("callErrorsByCode") or {}
        p99s = [
            number(a.get("p99Ms"))
            for a in body.get("actions") or []
            if isinstance(a, Mapping) and count(a.get("count"))
        ]
        known = [p for p in p99s if p is not None]
        return cls(
            at=at,
            active_connections=count(body.get("activeConnections")),
            messages_received=count(body.get("messagesReceived")),
            messages_sent=count(body.get("messagesSent")),
            call_errors=sum(count(v) for v in errors.values()) if isinstance(errors, dict) else 0,
            worst_p99_ms=max(known) if known else None,
            replicas=count(body.get("replicas")),
            since=str(body.get("since", "")),
        )

    def continues(self, earlier: Reading) -> bool:
        """Whether this reading counts on from ``earlier`` (no restart in between)."""
        return (
            self.at > earlier.at
            and self.replicas == earlier.replicas
            and self.since == earlier.since
            and self.messages_received >= earlier.messages_received
            and self.messages_sent >= earlier.messages_sent
            and self.call_errors >= earlier.call_errors
        )


@dataclass(frozen=True)
class Point:
    """One interval's figures; a rate is None for the first reading and after a reset."""

    at: float
    connections: int
    received_per_s: float | None
    sent_per_s: float | None
    call_errors_per_s: float | None
    worst_p99_ms: float | None


def point(reading: Reading, earlier: Reading | None) -> Point:
    if earlier is None or not reading.continues(earlier):
        return Point(reading.at, reading.active_connections, None, None, None, reading.worst_p99_ms)
    seconds = reading.at - earlier.at
    return Point(
        reading.at,
        reading.active_connections,
        (reading.messages_received - earlier.messages_received) / seconds,
        (reading.messages_sent - earlier.messages_sent) / seconds,
        (reading.call_errors - earlier.call_errors) / seconds,
        reading.worst_p99_ms,
    )


class Sampler:
    """Samples the statistics every ``interval`` seconds while started; keeps an hour.

    ``token`` is the console's own (``CSMS_CONSOLE_API_TOKEN``); ``clock`` gives Unix
    seconds (tests pass their own).
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        interval: float,
        *,
        token: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._api = Api(client, token or None)
        self.has_token = bool(token)
        """Whether the console has a token of its own to sample with."""
        self.interval = interval
        self._clock = clock
        self._points: deque[Point] = deque(maxlen=math.ceil(HOUR / interval) + 1)
        self._last: Reading | None = None
        self._task: asyncio.Task[None] | None = None
        self.refused = False
        """The API answered the last sample 401: it needs ``CSMS_CONSOLE_API_TOKEN``."""
        self.problem = ""
        """Why the last sample failed ("" when it did not)."""

    @property
    def points(self) -> tuple[Point, ...]:
        """The last hour's points, oldest first."""
        return tuple(self._points)

    async def sample(self) -> None:
        """Read the statistics once and add a point (or record why not)."""
        try:
            body = await self._api.get(STATISTICS)
        except ApiError as error:
            problem = f"{error.status} {error.message}"
            if problem != self.problem:
                # Once per change, not every interval for as long as it lasts.
                LOG.warning("statistics samples fail: %s", problem)
            self.refused, self.problem = error.unauthenticated, problem
            return
        if self.problem:
            LOG.info("statistics samples work again")
        self.refused, self.problem = False, ""
        reading = Reading.of(body, self._clock())
        self._points.append(point(reading, self._last))
        self._last = reading

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="console statistics sampler")
            self._task.add_done_callback(_report_crash)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            began = loop.time()
            await self.sample()
            await asyncio.sleep(max(0.0, self.interval - (loop.time() - began)))


def _report_crash(task: asyncio.Task[None]) -> None:
    # Only ApiError is expected in a sample; anything else is a bug worth a loud line,
    # since the charts stop with it.
    if not task.cancelled() and task.exception() is not None:
        LOG.error("the statistics sampler stopped", exc_info=task.exception())
