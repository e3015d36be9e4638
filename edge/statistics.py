"""Traffic statistics of one edge process: connections, frames, and CALLs each way.

Owned by the running server (never a module global) and fed by the places where the
events happen: the handshake refusal, the session that answers CALLs and builds
CALLERRORs, and the session that sends the CSMS's CALLs. Latency percentiles come from a
bounded window of recent samples per action, so memory stays flat however long the edge
runs and the figures describe current behaviour rather than the whole uptime.

The same events also feed the process's Prometheus metrics (:class:`OcppMetrics`, when
the component runs with metrics installed): this class is the one place the edge's
traffic is counted, for GET /statistics and /metrics alike.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from prometheus_client import Counter as PrometheusCounter
from prometheus_client import Histogram

from servicekit.clock import Clock
from servicekit.metrics import OcppMetrics, current

# Samples kept per action and direction for the percentiles.
WINDOW = 2048

RECEIVED = "received"
SENT = "sent"


@dataclass(frozen=True)
class ActionFigures:
    """One action in one direction: calls, CALLERROR answers, and answer times (ms)."""

    action: str
    direction: str
    count: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float


@dataclass(frozen=True)
class TrafficFigures:
    """A consistent copy of the counters at one moment."""

    since: datetime
    connections_opened: int
    connections_closed: int
    handshakes_refused: int
    messages_received: int
    messages_sent: int
    calls_received: int
    call_errors_by_code: Mapping[str, int]
    actions: tuple[ActionFigures, ...]

    @property
    def error_rate(self) -> float:
        """CALLERRORs the edge sent per CALL it received (0 before the first CALL)."""
        if self.calls_received == 0:
            return 0.0
        return sum(self.call_errors_by_code.values()) / self.calls_received


@dataclass
class _Tally:
    count: int = 0
    errors: int = 0
    samples: deque[float] = field(default_factory=lambda: deque(maxlen=WINDOW))
    # This action's and direction's Prometheus children, looked up once.
    histogram: Histogram | None = None
    unanswered: PrometheusCounter | None = None
    call_errors: PrometheusCounter | None = None


class TrafficStatistics:
    """The counters, updated synchronously from the event loop (no locking needed).

    ``metrics``: the Prometheus metrics to update too; by default the ones of the process
    metrics installed now (:func:`servicekit.metrics.current`), if any.
    """

    def __init__(
        self, clock: Clock, window: int = WINDOW, metrics: OcppMetrics | None = None
    ) -> None:
        if metrics is None:
            process = current()
            metrics = None if process is None else process.ocpp()
        self._metrics = metrics
        self._error_counters: dict[str, PrometheusCounter] = {}
        self.since = clock.now()
        self._window = window
        self._opened = 0
        self._closed = 0
        self._refused = 0
        self._frames_received = 0
        self._frames_sent = 0
        self._calls_received = 0
        self._call_errors: Counter[str] = Counter()
        self._tallies: dict[tuple[str, str], _Tally] = {}

    def connection_opened(self) -> None:
        self._opened += 1
        if self._metrics is not None:
            self._metrics.connections_opened.inc()

    def connection_closed(self) -> None:
        self._closed += 1
        if self._metrics is not None:
            self._metrics.connections_closed.inc()

    def handshake_refused(self) -> None:
        self._refused += 1
        if self._metrics is not None:
            self._metrics.connections_rejected.inc()

    def frame_received(self) -> None:
        self._frames_received += 1
        if self._metrics is not None:
            self._metrics.frames_received.inc()

    def frame_sent(self) -> None:
        self._frames_sent += 1
        if self._metrics is not None:
            self._metrics.frames_sent.inc()

    def call_received(self, action: str, seconds: float, error_code: str | None) -> None:
        """A station's CALL was answered after ``seconds``, with a CALLERROR when
        ``error_code`` is set."""
        self._calls_received += 1
        self._record(action, RECEIVED, seconds, error_code is not None)
        if error_code is not None:
            self._call_error_sent(error_code)

    def unreadable_call_answered(self, error_code: str) -> None:
        """A frame that was meant as a CALL but could not be read got a CALLERROR: it
        counts as a CALL received (there is no action to file it under)."""
        self._calls_received += 1
        self._call_error_sent(error_code)

    def call_sent(self, action: str, seconds: float | None, call_error: bool) -> None:
        """A CALL of the CSMS was answered after ``seconds`` (None: never answered)."""
        self._record(action, SENT, seconds, call_error)

    def figures(self) -> TrafficFigures:
        return TrafficFigures(
            since=self.since,
            connections_opened=self._opened,
            connections_closed=self._closed,
            handshakes_refused=self._refused,
            messages_received=self._frames_received,
            messages_sent=self._frames_sent,
            calls_received=self._calls_received,
            call_errors_by_code=dict(self._call_errors),
            actions=tuple(
                _figures(action, direction, tally)
                for (direction, action), tally in sorted(self._tallies.items())
            ),
        )

    def _record(self, action: str, direction: str, seconds: float | None, error: bool) -> None:
        tally = self._tallies.get((direction, action))
        if tally is None:
            tally = _Tally(samples=deque(maxlen=self._window))
            if self._metrics is not None:
                tally.histogram = self._metrics.call_seconds.labels(action, direction)
                if direction == SENT:
                    tally.unanswered = self._metrics.unanswered_calls.labels(action)
                    tally.call_errors = self._metrics.call_errors_received.labels(action)
            self._tallies[(direction, action)] = tally
        tally.count += 1
        tally.errors += int(error)
        if seconds is not None:
            tally.samples.append(seconds * 1000.0)
            if tally.histogram is not None:
                tally.histogram.observe(seconds)
        elif tally.unanswered is not None:
            tally.unanswered.inc()
        if error and tally.call_errors is not None:
            # A station's CALLERROR to the CSMS's CALL; the edge's own are counted by code.
            tally.call_errors.inc()

    def _call_error_sent(self, code: str) -> None:
        self._call_errors[code] += 1
        if self._metrics is None:
            return
        counter = self._error_counters.get(code)
        if counter is None:
            counter = self._error_counters[code] = self._metrics.call_errors_sent.labels(code)
        counter.inc()


def _figures(action: str, direction: str, tally: _Tally) -> ActionFigures:
    ordered = sorted(tally.samples)
    return ActionFigures(
        action=action,
        direction=direction,
        count=tally.count,
        errors=tally.errors,
        p50_ms=percentile(ordered, 0.50),
        p95_ms=percentile(ordered, 0.95),
        p99_ms=percentile(ordered, 0.99),
        max_ms=ordered[-1] if ordered else 0.0,
    )


def percentile(ordered: list[float], fraction: float) -> float:
    """The nearest-rank percentile of sorted samples: the smallest sample with at least
    ``fraction`` of the samples at or below it (0 when there are none)."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]
