"""The benchmark suite: ``python -m bench.run [--quick]``.

Starts the baseline CSMS (:mod:`bench.baseline_csms`) and the CSMS (``csms up`` on free
ports, in a temporary data directory), drives both with ``csms-sim load`` and prints one
line per figure with its ratio to the baseline. ``--quick`` runs smaller fleets for a
shorter time (about two minutes in all). Not run by the test suite: figures depend on
the machine, and the simulator shares it with the systems it measures.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench import scenarios, system


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller fleets, shorter runs")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="the CSMS's database (csms up --database); default: SQLite files",
    )
    parser.add_argument(
        "--keep", metavar="DIR", help="keep logs and data in DIR instead of a temporary one"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    print(
        f"bench: {'quick' if args.quick else 'full'} run on {os.cpu_count()} cores; the "
        "simulator, the baseline and the CSMS share this machine",
        flush=True,
    )
    up_args = ["--database", args.database] if args.database else []
    with tempfile.TemporaryDirectory(prefix="csms-bench-") as scratch:
        work = Path(args.keep) if args.keep else Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        with system.baseline(work) as baseline, system.csms(work, up_args) as csms:
            quick = args.quick
            s1 = scenarios.QUICK_S1 if quick else scenarios.FULL_S1
            scenarios.idle_fleet(_print, s1, csms, baseline, work)
            s2 = scenarios.QUICK_S2 if quick else scenarios.FULL_S2
            scenarios.steady_load(_print, s2, csms, baseline, work)
            s4 = scenarios.QUICK_S4 if quick else scenarios.FULL_S4
            scenarios.reconnect_storm(_print, s4, csms, baseline, work)
        scenarios.not_implemented(_print)
    print(f"bench: done in {time.monotonic() - started:.0f} s", flush=True)
    return 0


def _print(line: str) -> None:
    print(line, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
