"""The benchmark suite: ``python -m bench.run [--quick]``.

Starts the baseline CSMS (:mod:`bench.baseline_csms`) and the CSMS (``csms up`` on free
ports, in a temporary data directory), drives both with ``csms-sim load`` and prints one
line per figure with its ratio to the baseline. ``--quick`` runs smaller fleets for a
shorter time (about six minutes in all; ``--scenarios`` picks some). Not run by the
test suite: figures depend on the machine, and the simulator shares it with the
systems it measures.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench import cpu_split, maximum, operator_path, scenarios, system

SCENARIOS = ("S1", "S2", "S2max", "S3", "S4", "S5")


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
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help="which to run, comma-separated (default %(default)s)",
    )
    parser.add_argument(
        "--s1-count",
        type=int,
        metavar="N",
        help="S1's fleet size instead of the mode's (1,000 quick, 20,000 full): the most "
        "this machine's descriptor limit allows, say",
    )
    parser.add_argument(
        "--s4-count", type=int, metavar="N", help="S4's fleet size (500 quick, 10,000 full)"
    )
    args = parser.parse_args(argv)
    chosen = {name.strip() for name in args.scenarios.split(",") if name.strip()}
    if not chosen <= set(SCENARIOS):
        parser.error(f"--scenarios: unknown {sorted(chosen - set(SCENARIOS))}")
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
            if "S1" in chosen:
                s1 = scenarios.QUICK_S1 if quick else scenarios.FULL_S1
                if args.s1_count:
                    s1 = dataclasses.replace(s1, count=args.s1_count)
                scenarios.idle_fleet(_print, s1, csms, baseline, work)
            if "S2" in chosen:
                s2 = scenarios.QUICK_S2 if quick else scenarios.FULL_S2
                scenarios.steady_load(_print, s2, csms, baseline, work)
            if "S2max" in chosen:
                search = maximum.QUICK if quick else maximum.FULL
                maximum.steady_maximum(_print, search, csms, baseline, work)
            if "S3" in chosen:
                count, duration = (100, 8) if quick else (500, 30)
                cpu_split.cpu_per_message(
                    _print, count, duration, csms, work, database=args.database
                )
            if "S4" in chosen:
                s4 = scenarios.QUICK_S4 if quick else scenarios.FULL_S4
                if args.s4_count:
                    s4 = dataclasses.replace(s4, count=args.s4_count)
                scenarios.reconnect_storm(_print, s4, csms, baseline, work)
            if "S5" in chosen:
                s5 = operator_path.QUICK if quick else operator_path.FULL
                operator_path.operator_path(_print, s5, csms, work)
    print(f"bench: done in {time.monotonic() - started:.0f} s", flush=True)
    return 0


def _print(line: str) -> None:
    print(line, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
