"""CPU time and resident memory of a set of processes, read from ``/proc`` (Linux), so
that the benchmark needs nothing beyond the project's dependencies.

CPU is the sum of user and system time of every thread of the process
(``/proc/PID/stat`` fields 14 and 15, proc(5)); memory is ``VmRSS`` from
``/proc/PID/status``. A :class:`Sampler` reads both every ``period`` seconds in a thread
and reports, per process, the CPU used between two moments (as % of one core) and the
largest RSS seen between them.
"""

from __future__ import annotations

import bisect
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

TICKS = os.sysconf("SC_CLK_TCK")
# Fields of /proc/PID/stat after the command's closing parenthesis: state is field 3,
# utime 14 and stime 15 (proc(5)), so utime is the 12th after it.
UTIME_AFTER_COMMAND = 11


@dataclass(frozen=True)
class Reading:
    at: float
    cpu_seconds: float
    rss_bytes: int


def read(pid: int) -> Reading | None:
    """The process's CPU seconds and RSS now; None when it has gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rpartition(")")[2].split()
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            rss_kib = next(
                (int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0
            )
    except (FileNotFoundError, ProcessLookupError):
        return None
    utime, stime = int(fields[UTIME_AFTER_COMMAND]), int(fields[UTIME_AFTER_COMMAND + 1])
    return Reading(time.monotonic(), (utime + stime) / TICKS, rss_kib * 1024)


@dataclass(frozen=True)
class Usage:
    """One process between two moments: CPU in % of one core, the largest RSS seen."""

    cpu_percent: float
    rss_max_bytes: int
    rss_end_bytes: int


@dataclass
class Sampler:
    pids: Mapping[str, int]
    period: float = 0.5
    readings: dict[str, list[Reading]] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> Sampler:
        self.sample()
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample()

    def _run(self) -> None:
        while not self._stop.wait(self.period):
            self.sample()

    def sample(self) -> None:
        for name, pid in self.pids.items():
            reading = read(pid)
            if reading is not None:
                self.readings.setdefault(name, []).append(reading)

    def usage(self, start: float, end: float) -> dict[str, Usage]:
        """Each process's usage between ``start`` and ``end`` (``time.monotonic()``), from
        the readings nearest to them."""
        result = {}
        for name, readings in self.readings.items():
            moments = [r.at for r in readings]
            first = readings[min(bisect.bisect_left(moments, start), len(readings) - 1)]
            last = readings[max(0, bisect.bisect_right(moments, end) - 1)]
            if last.at <= first.at:
                continue
            inside = [r.rss_bytes for r in readings if first.at <= r.at <= last.at]
            result[name] = Usage(
                cpu_percent=100 * (last.cpu_seconds - first.cpu_seconds) / (last.at - first.at),
                rss_max_bytes=max(inside),
                rss_end_bytes=last.rss_bytes,
            )
        return result
