"""The summary of a load run: what was planned, what the fleet reached, messages offered
and achieved, per-action latency percentiles measured at the charge point, errors and
refusals by kind, and the reconnect storm's figures. As text for a person or as JSON
for the benchmarks (``--json``); the JSON's keys are a contract of ``bench/``."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from simulator.load import errors
from simulator.load.plan import Plan
from simulator.load.recorder import Percentiles, Recorder
from simulator.load.storm import Storm
from simulator.load.tally import Tally


def summary(
    plan: Plan, recorder: Recorder, tally: Tally, storm: Storm | None, elapsed: float
) -> dict[str, Any]:
    window = recorder.window.seconds
    return {
        "plan": {
            "url": plan.url,
            "count": plan.count,
            "mix": dict(plan.mix),
            "ramp_per_s": plan.ramp,
            "heartbeat_interval_s": plan.heartbeat_interval,
            "meter_interval_s": plan.meter_interval if plan.transacts else None,
            "duration_s": plan.duration,
            "idle": not plan.transacts,
            "reconnect_storm": plan.reconnect_storm,
            "source_addresses": list(plan.source_addresses),
        },
        "elapsed_s": round(elapsed, 3),
        "charge_points": {
            "planned": tally.planned,
            "booted": tally.booted,
            "failed": tally.failed,
            "finished": tally.finished,
            "transactions_started": tally.started,
            "transactions_completed": tally.completed,
            # time.monotonic() of the latest first boot (see window_monotonic).
            "last_boot_monotonic": tally.last_boot_at,
        },
        "messages": {
            "sent": recorder.sent,
            "answered": recorder.answered,
            "window_s": round(window, 3),
            # time.monotonic() of the window's ends: CLOCK_MONOTONIC, which other
            # processes of the machine read too (bench/ samples CPU over the same window).
            "window_monotonic": [recorder.window.start, recorder.window.end]
            if window > 0
            else None,
            "offered_per_s": _rate(recorder.offered_in_window, window),
            "achieved_per_s": _rate(recorder.answered_in_window, window),
        },
        "latency_ms": _latencies(recorder.percentiles()),
        "steady_latency_ms": _latencies(recorder.percentiles(steady=True)),
        "errors": dict(sorted(recorder.errors.items())),
        "error_details": dict(sorted(recorder.error_details.items())),
        "refusals": dict(sorted(recorder.refusals.items())),
        "csms_calls": dict(sorted(recorder.csms_calls.items())),
        "storm": None if storm is None else _storm(storm),
    }


def _latencies(percentiles: dict[str, Percentiles]) -> dict[str, dict[str, float]]:
    return {
        action: {k: _round(v) for k, v in dataclasses.asdict(figures).items()}
        for action, figures in percentiles.items()
    }


def _storm(storm: Storm) -> dict[str, Any]:
    seconds = storm.seconds_to_all_accepted
    handshakes = storm.failures[errors.HANDSHAKE_FAILED]
    return {
        "dropped": storm.dropped,
        "accepted_again": storm.back,
        "gave_up": storm.gave_up,
        "seconds_to_all_accepted": None if seconds is None else round(seconds, 3),
        "handshake_failures": handshakes,
        "failures": dict(sorted(storm.failures.items())),
    }


def _rate(count: int, seconds: float) -> float | None:
    return round(count / seconds, 1) if seconds > 0 else None


def _round(value: float) -> float:
    return round(value, 2) if isinstance(value, float) else value


def as_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2)


def as_text(report: dict[str, Any]) -> str:
    plan, points, messages = report["plan"], report["charge_points"], report["messages"]
    mix = ", ".join(f"{v}={w}" for v, w in plan["mix"].items())
    lines = [
        f"csms-sim load: {plan['count']} charge points ({mix}) against {plan['url']}, "
        f"{report['elapsed_s']:.1f} s",
        f"  charge points: {points['booted']} booted, {points['failed']} failed, "
        f"{points['finished']} ran to the end",
    ]
    if not plan["idle"]:
        lines.append(
            f"  transactions: {points['transactions_started']} started, "
            f"{points['transactions_completed']} completed"
        )
    offered, achieved = messages["offered_per_s"], messages["achieved_per_s"]
    steady = (
        f"; steady {messages['window_s']:.1f} s: offered {offered}/s, achieved {achieved}/s"
        if offered is not None
        else "; no steady window"
    )
    lines.append(f"  messages: {messages['sent']} sent, {messages['answered']} answered{steady}")
    lines += _table("latency (ms), all", report["latency_ms"])
    if report["steady_latency_ms"]:
        lines += _table("latency (ms), steady", report["steady_latency_ms"])
    lines.append("  errors: " + _counts(report["errors"]))
    if report["error_details"]:
        lines.append("  connection failures: " + _counts(report["error_details"]))
    if report["refusals"]:
        lines.append("  refusals: " + _counts(report["refusals"]))
    if report["csms_calls"]:
        lines.append("  CSMS calls answered NotSupported: " + _counts(report["csms_calls"]))
    storm = report["storm"]
    if storm is not None:
        seconds = storm["seconds_to_all_accepted"]
        back = f"all Accepted again in {seconds:.2f} s" if seconds is not None else "not all back"
        lines.append(
            f"  reconnect storm: {storm['dropped']} dropped, {storm['accepted_again']} "
            f"Accepted again, {storm['gave_up']} gave up; {back}; "
            f"{storm['handshake_failures']} handshake failures; "
            f"failed attempts: {_counts(storm['failures'])}"
        )
    return "\n".join(lines)


def _table(title: str, latencies: dict[str, dict[str, float]]) -> list[str]:
    lines = [f"  {title:<22} {'count':>7} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}"]
    for action, f in latencies.items():
        lines.append(
            f"    {action:<20} {f['count']:>7.0f} {f['p50']:>8.1f} {f['p95']:>8.1f} "
            f"{f['p99']:>8.1f} {f['max']:>8.1f}"
        )
    return lines


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in counts.items()) or "none"
