"""What a load run measures, as it happens: the latency of every answered CALL by action
(from the frame leaving the charge point to the answer arriving at it), CALLs sent and
answered, CALLs *offered* (due by the fleet's schedule, sent or not), errors and
refusals by kind.

Rates are measured over the *steady window*: from the end of the planned ramp to the
start of the wind-down, where the offered load is the schedule's and not the ramp's.
One recorder is shared by every station of the run (one event loop, no locks needed).
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Percentiles:
    """Latency of one action in milliseconds."""

    count: int
    p50: float
    p95: float
    p99: float
    max: float

    @classmethod
    def of(cls, samples: array[float]) -> Percentiles:
        ordered = sorted(samples)
        return cls(
            count=len(ordered),
            p50=_rank(ordered, 0.50) * 1000,
            p95=_rank(ordered, 0.95) * 1000,
            p99=_rank(ordered, 0.99) * 1000,
            max=ordered[-1] * 1000,
        )


def _rank(ordered: list[float], quantile: float) -> float:
    """The nearest-rank percentile: the smallest sample with at least ``quantile`` of
    the samples at or below it."""
    return ordered[max(0, math.ceil(quantile * len(ordered)) - 1)]


@dataclass
class Window:
    """The steady window, in ``time.monotonic()``; infinite ends until known."""

    start: float = math.inf
    end: float = math.inf

    def holds(self, moment: float) -> bool:
        return self.start <= moment < self.end

    @property
    def seconds(self) -> float:
        return max(0.0, self.end - self.start) if math.isfinite(self.end) else 0.0


@dataclass
class Recorder:
    window: Window = field(default_factory=Window)
    latencies: dict[str, array[float]] = field(default_factory=dict)
    # The same, for CALLs sent in the steady window only (no ramp, no wind-down).
    steady_latencies: dict[str, array[float]] = field(default_factory=dict)
    sent: int = 0
    answered: int = 0
    offered_in_window: int = 0
    answered_in_window: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    # Connection failures by kind and detail ("handshake_failed: HTTP 503").
    error_details: Counter[str] = field(default_factory=Counter)
    refusals: Counter[str] = field(default_factory=Counter)
    csms_calls: Counter[str] = field(default_factory=Counter)

    def offered(self, due: float, count: int = 1) -> None:
        """``count`` CALLs became due at ``due`` (a late station counts its missed beats)."""
        if self.window.holds(due):
            self.offered_in_window += count

    def sending(self) -> None:
        self.sent += 1

    def answer(self, action: str, sent_at: float, answered_at: float) -> None:
        self.answered += 1
        seconds = answered_at - sent_at
        _add(self.latencies, action, seconds)
        if self.window.holds(answered_at):
            self.answered_in_window += 1
        if self.window.holds(sent_at):
            _add(self.steady_latencies, action, seconds)

    def error(self, kind: str, detail: str | None = None) -> None:
        self.errors[kind] += 1
        if detail is not None:
            self.error_details[f"{kind}: {detail}"] += 1

    def refused(self, action: str, status: str) -> None:
        """An answer that said no (a Pending or Rejected boot, an identifier not
        Accepted): not an error of the CSMS, but the run did not go as planned."""
        self.refusals[f"{action}:{status}"] += 1

    def percentiles(self, *, steady: bool = False) -> dict[str, Percentiles]:
        """Per action, of every CALL or (``steady``) of those sent in the steady window."""
        latencies = self.steady_latencies if steady else self.latencies
        return {
            action: Percentiles.of(samples)
            for action, samples in sorted(latencies.items())
            if samples
        }


def _add(latencies: dict[str, array[float]], action: str, seconds: float) -> None:
    samples = latencies.get(action)
    if samples is None:
        samples = latencies[action] = array("d")
    samples.append(seconds)
