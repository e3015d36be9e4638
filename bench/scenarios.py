"""The benchmark scenarios of issue 7 (docs/performance.md says what each means).

Here: S1 (idle fleet) and S4 (reconnect storm) at the fleet size asked for, or a
smaller one with ``--quick``, and S2 at one fixed offered load (per action and per
process figures). The S2 search for the highest load meeting the target is
:mod:`bench.maximum`, S3 :mod:`bench.cpu_split`, S5 :mod:`bench.operator_path`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.drive import SIMULATOR, Drive, drive
from bench.figures import Output, figure, only
from bench.system import Running, register_id_tags
from simulator.load.plan import Plan, members, parse_mix

MIB = 1024 * 1024
# The baseline speaks 1.6 and 2.0.1 only.
S2_MIX = "1.6=70,2.0.1=30"


@dataclass(frozen=True)
class SteadyLoad:
    """S2's fleet: ``count`` charge points each charging once for the whole run, a
    heartbeat every ``heartbeat`` s and a meter value every ``meter`` s."""

    count: int
    heartbeat: float
    meter: float
    duration: float
    ramp: float

    @property
    def offered_per_s(self) -> float:
        return self.count / self.heartbeat + self.count / self.meter

    def args(self) -> list[str]:
        return [
            "--count", str(self.count),
            "--mix", S2_MIX,
            "--ramp", f"{self.ramp:g}",
            "--heartbeat-interval", f"{self.heartbeat:g}",
            "--meter-interval", f"{self.meter:g}",
            "--duration", f"{self.duration:g}",
            "--prefix", "S2",
            "--id-tag", "{id}",
        ]  # fmt: skip

    def id_tags(self) -> list[str]:
        plan = Plan(url="", count=self.count, mix=parse_mix(S2_MIX), prefix="S2", id_tag="{id}")
        return [member.id_tag for member in members(plan)]


QUICK_S2 = SteadyLoad(count=200, heartbeat=10, meter=2, duration=12, ramp=50)
FULL_S2 = SteadyLoad(count=1000, heartbeat=10, meter=2, duration=60, ramp=200)


@dataclass(frozen=True)
class Fleet:
    """An idle 1.6 fleet (S1, S4): ``count`` charge points connected at ``ramp`` per s."""

    count: int
    ramp: float
    duration: float = 0.0

    def args(self, prefix: str, *extra: str) -> list[str]:
        return [
            "--count", str(self.count),
            "--mix", "1.6=100",
            "--ramp", f"{self.ramp:g}",
            "--duration", f"{self.duration:g}",
            "--prefix", prefix,
            "--idle",
            "--call-timeout", "60",
            *extra,
        ]  # fmt: skip


# The targets: S1 20,000 held by one edge, S4 10,000. Quick runs use smaller fleets.
QUICK_S1 = Fleet(count=1000, ramp=125, duration=10)
FULL_S1 = Fleet(count=20_000, ramp=500, duration=30)
QUICK_S4 = Fleet(count=500, ramp=200)
FULL_S4 = Fleet(count=10_000, ramp=500)
S1_TARGET, S4_TARGET = 20_000, 10_000
EDGE = "edge-1"


def idle_fleet(out: Output, fleet: Fleet, csms: Running, baseline: Running, work: Path) -> None:
    """S1: an idle fleet held by one edge process, connected to the edge's own port
    (not through Envoy, so that the figures are the edge's alone); memory per
    connection is the edge's RSS growth divided by the charge points booted, CPU is
    measured from the last boot to the end of the hold."""
    scale = "" if fleet.count >= S1_TARGET else f" (quick: not the target's {S1_TARGET:,})"
    out(
        f"S1 idle fleet: {fleet.count:,} booted 1.6 charge points{scale}, held "
        f"{fleet.duration:g} s; CSMS: directly on the edge's port"
    )
    # Usage from the last boot on: the hold's start may still see the ramp's boots.
    args = fleet.args("S1")
    base = drive(
        baseline.ocpp_url, baseline.pids(), args, work / "s1-baseline.log", after_boots=True
    )
    ours = drive(csms.edge_url, csms.pids(), args, work / "s1-csms.log", after_boots=True)
    s1 = "S1"
    figure(out, s1, "charge points booted", _booted(ours), _booted(base), better="higher")
    figure(out, s1, "errors", _errors(ours), _errors(base), better="lower")
    ours_kib = _per_connection_kib(ours, EDGE)
    base_kib = _per_connection_kib(base, baseline.name)
    figure(out, s1, "memory per connection KiB", ours_kib, base_kib, better="lower")
    ours_cpu = ours.usage[EDGE].cpu_percent if EDGE in ours.usage else None
    base_cpu = base.usage[baseline.name].cpu_percent if baseline.name in base.usage else None
    figure(out, s1, "idle CPU % of a core", ours_cpu, base_cpu, better="lower")
    out(
        f"S1 targets (edge): <= 24 KiB per connection: {_verdict(ours_kib, 24)}; "
        f"idle CPU < 5%: {_verdict(ours_cpu, 5)}"
        + ("" if fleet.count >= S1_TARGET else f"; at {fleet.count:,}, not {S1_TARGET:,}")
    )


def reconnect_storm(
    out: Output, fleet: Fleet, csms: Running, baseline: Running, work: Path
) -> None:
    """S4: every connection of a booted idle fleet dropped at once; the time until all
    are Accepted again, and the failed handshakes. CSMS through Envoy."""
    scale = "" if fleet.count >= S4_TARGET else f" (quick: not the target's {S4_TARGET:,})"
    out(f"S4 reconnect storm: {fleet.count:,} 1.6 charge points{scale}; CSMS via Envoy")
    storm = ("--reconnect-storm", "--storm-timeout", "60")
    base = drive(
        baseline.ocpp_url, baseline.pids(), fleet.args("S4", *storm), work / "s4-baseline.log"
    )
    ours = drive(csms.ocpp_url, csms.pids(), fleet.args("S4", *storm), work / "s4-csms.log")
    s4 = "S4"
    ours_s, base_s = (
        _storm(ours, "seconds_to_all_accepted"),
        _storm(base, "seconds_to_all_accepted"),
    )
    figure(out, s4, "dropped", _storm(ours, "dropped"), _storm(base, "dropped"), better=None)
    figure(out, s4, "seconds until all Accepted again", ours_s, base_s, better="lower")
    ours_hs = _storm(ours, "handshake_failures")
    base_hs = _storm(base, "handshake_failures")
    figure(out, s4, "failed handshakes", ours_hs, base_hs, better="lower")
    figure(out, s4, "gave up", _storm(ours, "gave_up"), _storm(base, "gave_up"), better="lower")
    # Every station of the fleet must have been booted and dropped: one that never booted
    # (refused before the storm) is not "all Accepted".
    everyone = _storm(ours, "dropped") == fleet.count
    all_back = everyone and ours_s is not None and ours_s <= 15
    out(
        f"S4 target: all Accepted within 15 s, no failed handshakes: "
        f"{'met' if all_back and ours_hs == 0 else 'MISSED'}"
        + ("" if fleet.count >= S4_TARGET else f" at {fleet.count:,}, not {S4_TARGET:,}")
    )


def steady_load(
    out: Output, load: SteadyLoad, csms: Running, baseline: Running, work: Path
) -> None:
    """S2 at one offered load: the same fleet against the baseline, then the CSMS (through
    Envoy, every message persisted). Latencies are of the CALLs sent in the steady
    window: the ramp's boots and the wind-down's stops are in the last p99 line only."""
    out(
        f"S2 steady load: {load.count} charge points ({S2_MIX}), one transaction each, "
        f"heartbeat {load.heartbeat:g} s, meter value {load.meter:g} s, "
        f"{load.duration:g} s steady; offered {load.offered_per_s:.0f} msg/s; CSMS via Envoy"
    )
    register_id_tags(csms.auth_address, load.id_tags())
    base = drive(baseline.ocpp_url, baseline.pids(), load.args(), work / "s2-baseline.log")
    ours = drive(csms.ocpp_url, csms.pids(), load.args(), work / "s2-csms.log")
    s2 = "S2"
    bm, om = base.summary["messages"], ours.summary["messages"]
    figure(out, s2, "offered msg/s", om["offered_per_s"], bm["offered_per_s"], better=None)
    figure(out, s2, "achieved msg/s", om["achieved_per_s"], bm["achieved_per_s"], better="higher")
    steady = "steady_latency_ms"
    for action in sorted(set(ours.summary[steady]) | set(base.summary[steady])):
        figure(
            out,
            s2,
            f"p99 ms {action}",
            _p99(ours, action),
            _p99(base, action),
            better="lower",
        )
    figure(out, s2, "worst p99 ms", _worst_p99(ours), _worst_p99(base), better="lower")
    figure(
        out,
        s2,
        "worst p99 ms incl. ramp and wind-down",
        _worst_p99(ours, "latency_ms"),
        _worst_p99(base, "latency_ms"),
        better="lower",
    )
    figure(out, s2, "errors", _errors(ours), _errors(base), better="lower")
    figure(
        out,
        s2,
        "CPU % of a core (all processes)",
        ours.system_cpu_percent(),
        base.system_cpu_percent(),
        better="lower",
    )
    figure(
        out,
        s2,
        "RSS MiB (all processes, peak)",
        ours.system_rss_bytes() / MIB,
        base.system_rss_bytes() / MIB,
        better="lower",
    )
    for name, usage in sorted(ours.usage.items()):
        if name != SIMULATOR:
            only(out, s2, f"csms {name} CPU %", usage.cpu_percent)
            only(out, s2, f"csms {name} RSS MiB (peak)", usage.rss_max_bytes / MIB)
    figure(
        out,
        s2,
        "simulator CPU % (same machine)",
        ours.usage[SIMULATOR].cpu_percent if SIMULATOR in ours.usage else None,
        base.usage[SIMULATOR].cpu_percent if SIMULATOR in base.usage else None,
        better=None,
    )
    met = (
        om["achieved_per_s"] is not None
        and om["achieved_per_s"] >= 0.99 * om["offered_per_s"]
        and (_worst_p99(ours) or 0) <= 50
        and _errors(ours) == 0
    )
    out(
        f"S2 at this load: achieved = offered, p99 <= 50 ms, no errors: "
        f"{'yes' if met else 'NO'} (one fixed load; the search for the maximum is below)"
    )


def _p99(run: Drive, action: str) -> float | None:
    """The action's p99 over the steady window."""
    figures = run.summary["steady_latency_ms"].get(action)
    return None if figures is None else float(figures["p99"])


def _worst_p99(run: Drive, key: str = "steady_latency_ms") -> float | None:
    p99s = [float(f["p99"]) for f in run.summary[key].values()]
    return max(p99s) if p99s else None


def _errors(run: Drive) -> int:
    return sum(run.summary["errors"].values())


def _booted(run: Drive) -> int:
    return int(run.summary["charge_points"]["booted"])


def _per_connection_kib(run: Drive, process: str) -> float | None:
    before, usage, booted = run.before.get(process), run.usage.get(process), _booted(run)
    if before is None or usage is None or booted == 0:
        return None
    return (usage.rss_end_bytes - before.rss_bytes) / booted / 1024


def _storm(run: Drive, key: str) -> float | None:
    storm = run.summary["storm"] or {}
    value: float | None = storm.get(key)
    return value


def _verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "not measured"
    return "met" if value <= limit else "MISSED"
