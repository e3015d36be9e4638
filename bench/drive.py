"""Driving a system with ``csms-sim load --json`` in a child process while its processes
(and the simulator's own) are sampled, so every CPU figure comes from the load run's
steady window."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.processes import Reading, Sampler, Usage, read

SIMULATOR = "simulator"
# Bound on one load run, far beyond what any scenario plans.
RUN_TIMEOUT = 600.0


@dataclass(frozen=True)
class Drive:
    """One load run: the simulator's summary and, over its steady window, the usage of
    each process of the system and of the simulator (named ``simulator``)."""

    summary: dict[str, Any]
    usage: dict[str, Usage]
    # Each process of the system just before the simulator started.
    before: dict[str, Reading]

    def system_cpu_percent(self) -> float:
        return sum(u.cpu_percent for name, u in self.usage.items() if name != SIMULATOR)

    def system_rss_bytes(self) -> int:
        return sum(u.rss_max_bytes for name, u in self.usage.items() if name != SIMULATOR)


def drive(
    url: str,
    pids: Mapping[str, int],
    args: Sequence[str],
    log: Path,
    *,
    after_boots: bool = False,
) -> Drive:
    """Run ``csms-sim load URL ARGS --json``; its progress lines go to ``log``, its
    summary to ``log`` with the suffix ``.json``. Usage is measured over the steady
    window or, with ``after_boots``, over its part after the last charge point booted
    (a system may still be catching up with the ramp when the window opens)."""
    command = [sys.executable, "-m", "simulator.cli", "load", url, *args, "--json"]
    before = {name: reading for name, pid in pids.items() if (reading := read(pid)) is not None}
    with log.open("ab") as progress:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=progress)
        with Sampler({**pids, SIMULATOR: process.pid}) as sampler:
            try:
                out, _ = process.communicate(timeout=RUN_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
                raise RuntimeError(f"csms-sim load did not finish in {RUN_TIMEOUT:g} s") from None
    if process.returncode != 0:
        raise RuntimeError(f"csms-sim load exited with {process.returncode}; see {log}")
    summary: dict[str, Any] = json.loads(out)
    log.with_suffix(".json").write_bytes(out)
    window = summary["messages"]["window_monotonic"]
    start, end = window if window else (0.0, time.monotonic())
    last_boot = summary["charge_points"]["last_boot_monotonic"]
    if after_boots and last_boot is not None:
        start = min(max(start, last_boot), end)
    return Drive(summary, sampler.usage(start, end), before)
