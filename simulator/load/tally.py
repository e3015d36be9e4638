"""How many of the fleet's charge points are where, for the progress display and the
summary. Stations update it as they go; one event loop, so plain counters."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Tally:
    planned: int = 0
    launched: int = 0
    # Open connections right now.
    connected: int = 0
    # Accepted at least once; stations that gave up (never connected, refused, lost).
    booted: int = 0
    failed: int = 0
    # time.monotonic() of the latest first boot.
    last_boot_at: float | None = None
    # Transactions running now, started, stopped with an answer.
    charging: int = 0
    started: int = 0
    completed: int = 0
    # Stations that ran to the end of the run.
    finished: int = 0
