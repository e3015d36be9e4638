"""``csms-sim load``: many simulated charge points at once, a live progress line on
stderr, and a summary on stdout (text, or JSON with ``--json``)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import resource
import sys
from collections.abc import Sequence

from simulator.load import fleet, report
from simulator.load.plan import Plan, PlanError, check, parse_mix, parse_sources
from simulator.load.progress import Progress
from simulator.load.recorder import Recorder
from simulator.load.storm import Storm
from simulator.load.tally import Tally

DEFAULT_URL = "ws://localhost:4000/ocpp"
# Descriptors beside the fleet's sockets: the event loop, stdio, the progress display.
SPARE_DESCRIPTORS = 64


def parser() -> argparse.ArgumentParser:
    defaults = Plan(url=DEFAULT_URL, count=1)
    result = argparse.ArgumentParser(
        prog="csms-sim load",
        description="Run a fleet of simulated charge points against a CSMS: each connects "
        "(at --ramp per second), boots, reports its connector, and runs one transaction "
        "(or, with --idle, only heartbeats) until the run ends. Progress goes to stderr, "
        "the summary to stdout.",
    )
    result.add_argument(
        "url", metavar="URL", nargs="?", default=DEFAULT_URL, help=f"default {DEFAULT_URL}"
    )
    result.add_argument("--count", type=int, default=100, help="charge points (default 100)")
    result.add_argument(
        "--mix",
        default="1.6=100",
        help="OCPP versions and their weights, e.g. 1.6=70,2.0.1=20,2.1=10 (default 1.6=100)",
    )
    result.add_argument(
        "--ramp",
        type=float,
        default=defaults.ramp,
        metavar="PER_SECOND",
        help="connections opened per second; 0: all at once (default %(default)g)",
    )
    result.add_argument(
        "--heartbeat-interval",
        type=float,
        metavar="SECONDS",
        help="seconds between heartbeats (default: the interval of the BootNotification answer)",
    )
    result.add_argument(
        "--meter-interval",
        type=float,
        default=defaults.meter_interval,
        metavar="SECONDS",
        help="seconds between meter values during the transaction (default %(default)g)",
    )
    result.add_argument(
        "--meter-values",
        type=int,
        metavar="N",
        help="stop the transaction after N meter values (default: at the end of the run)",
    )
    result.add_argument(
        "--duration",
        type=float,
        default=defaults.duration,
        metavar="SECONDS",
        help="how long the fleet runs after the ramp (default %(default)g)",
    )
    result.add_argument(
        "--idle",
        action="store_true",
        help="no transactions: boot, report and heartbeat only (an idle fleet)",
    )
    result.add_argument(
        "--reconnect-storm",
        action="store_true",
        help="an idle fleet that, once every charge point has booted, drops every connection "
        "at once and reconnects; reports the time until all are Accepted again. The run "
        "ends then (or after --storm-timeout), not after --duration",
    )
    result.add_argument(
        "--storm-timeout",
        type=float,
        default=defaults.storm_timeout,
        metavar="SECONDS",
        help="how long after the drop stations keep trying (default %(default)g)",
    )
    result.add_argument(
        "--prefix",
        default=defaults.prefix,
        help="charge point ids are PREFIX-00001, PREFIX-00002, ... (default %(default)s)",
    )
    result.add_argument(
        "--id-tag",
        default=defaults.id_tag,
        help="the identifier each transaction uses; {id} is replaced by the charge point id, "
        "so that each can have its own (default %(default)s)",
    )
    result.add_argument(
        "--source-addresses",
        metavar="ADDRESSES",
        help="bind client sockets to these source addresses in turn: 127.0.0.1-127.0.0.8, "
        "a comma-separated list, or a count of loopback addresses from 127.0.0.1; needed "
        "beyond ~28,000 connections to one address",
    )
    result.add_argument(
        "--call-timeout",
        type=float,
        default=defaults.call_timeout,
        metavar="SECONDS",
        help="how long a CALL waits for its answer (default %(default)g)",
    )
    result.add_argument(
        "--progress-every",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="when stderr is not a terminal, a progress line every SECONDS (default %(default)g)",
    )
    result.add_argument("--json", action="store_true", help="print the summary as JSON")
    return result


def plan_of(args: argparse.Namespace) -> Plan:
    plan = Plan(
        url=args.url,
        count=args.count,
        mix=parse_mix(args.mix),
        ramp=args.ramp,
        heartbeat_interval=args.heartbeat_interval,
        meter_interval=args.meter_interval,
        meter_values=args.meter_values,
        duration=args.duration,
        idle=args.idle,
        reconnect_storm=args.reconnect_storm,
        storm_timeout=args.storm_timeout,
        prefix=args.prefix,
        id_tag=args.id_tag,
        source_addresses=parse_sources(args.source_addresses) if args.source_addresses else (),
        call_timeout=args.call_timeout,
    )
    check(plan)
    return plan


def raise_descriptor_limit(needed: int) -> str | None:
    """Raise the soft limit on open files to the hard one; a warning when even that is
    fewer than ``needed``."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
    if soft != resource.RLIM_INFINITY and soft < needed:
        return (
            f"csms-sim load: only {soft} open files allowed (ulimit -n), "
            f"{needed} needed; connections beyond it will fail"
        )
    return None


async def execute(plan: Plan, progress_every: float) -> dict[str, object]:
    recorder = Recorder()
    tally = Tally()
    storm = Storm(plan.storm_timeout) if plan.reconnect_storm else None
    progress = Progress(tally, recorder, sys.stderr, every=progress_every)
    showing = asyncio.create_task(progress.run())
    try:
        elapsed = await fleet.run(plan, recorder, tally, storm)
    finally:
        showing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await showing
    progress.finish()
    return report.summary(plan, recorder, tally, storm, elapsed)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        plan = plan_of(args)
    except PlanError as error:
        print(f"csms-sim load: {error}", file=sys.stderr)
        return 2
    warning = raise_descriptor_limit(plan.count + SPARE_DESCRIPTORS)
    if warning is not None:
        print(warning, file=sys.stderr)
    try:
        summary = asyncio.run(execute(plan, args.progress_every))
    except KeyboardInterrupt:
        print("csms-sim load: interrupted", file=sys.stderr)
        return 130
    print(report.as_json(summary) if args.json else report.as_text(summary))
    return 0
