"""S2's maximum: the highest offered load at which a system answers everything offered
with every action's p99 <= 50 ms (:mod:`bench.search` decides the steps), for the
baseline and then the CSMS, and the ratio of the two maxima.

The fleet stays the same size and the load grows by sending meter values more often
(and heartbeats every 10 s), so each step costs the same ramp and wind-down.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from bench.drive import drive
from bench.figures import Output, figure
from bench.scenarios import S2_MIX, SteadyLoad
from bench.search import Search, Step, maximum, next_target
from bench.system import Running, register_id_tags

# The shortest meter-value interval a step asks for: the fleet's ceiling.
FASTEST_METER_S = 0.1


@dataclass(frozen=True)
class MaximumSearch:
    """The fleet every step runs (its meter interval replaced) and the search."""

    fleet: SteadyLoad
    start: float
    steps: int

    @property
    def floor(self) -> float:
        """Heartbeats and a meter value a minute: about the least the fleet offers."""
        return self.fleet.count / self.fleet.heartbeat + self.fleet.count / 60

    @property
    def ceiling(self) -> float:
        return self.fleet.count / self.fleet.heartbeat + self.fleet.count / FASTEST_METER_S

    def at(self, target: float) -> SteadyLoad:
        """The fleet offering ``target`` msg/s."""
        per_meter = max(target - self.fleet.count / self.fleet.heartbeat, self.fleet.count / 60)
        meter = max(self.fleet.count / per_meter, FASTEST_METER_S)
        return replace(self.fleet, meter=round(meter, 3))


# Ramps slow enough that the boot burst (four CALLs per station) is not what is measured.
QUICK = MaximumSearch(
    SteadyLoad(count=100, heartbeat=10, meter=2, duration=8, ramp=25), start=100, steps=5
)
FULL = MaximumSearch(
    SteadyLoad(count=1000, heartbeat=10, meter=2, duration=30, ramp=100), start=200, steps=7
)


def steady_maximum(
    out: Output, plan: MaximumSearch, csms: Running, baseline: Running, work: Path
) -> None:
    fleet = plan.fleet
    out(
        f"S2 search: {fleet.count} charge points ({S2_MIX}), heartbeat {fleet.heartbeat:g} s, "
        f"{fleet.duration:g} s steady per step, at most {plan.steps} steps from "
        f"{plan.start:g} msg/s (ceiling {plan.ceiling:.0f}); pass = achieved >= 99% of "
        "offered, every p99 <= 50 ms, no errors"
    )
    register_id_tags(csms.auth_address, fleet.id_tags())
    runs: dict[str, list[Step]] = {}
    for system in (baseline, csms):
        search = Search(start=plan.start, ceiling=plan.ceiling, steps=plan.steps, floor=plan.floor)
        done: list[Step] = []
        while (target := next_target(search, done)) is not None:
            load = plan.at(target)
            log = work / f"s2max-{system.name}-{len(done) + 1}.log"
            run = drive(system.ocpp_url, system.pids(), load.args(), log)
            step = _step(target, run.summary)
            done.append(step)
            out(
                f"S2 search {system.name:<8} step {len(done)}: meter {load.meter:g} s, offered "
                f"{step.offered:.0f} msg/s, achieved {step.achieved:.0f}, worst p99 "
                f"{_ms(step.worst_p99_ms)} ms, errors {step.errors}: "
                f"{'pass' if step.passed else 'FAIL'}"
            )
        runs[system.name] = done
    ours, base = maximum(runs[csms.name]), maximum(runs[baseline.name])
    figure(
        out,
        "S2",
        "max offered msg/s meeting the target",
        None if ours is None else ours.offered,
        None if base is None else base.offered,
        better="higher",
    )
    open_ended = [
        name
        for name, steps in runs.items()
        if (top := maximum(steps)) is not None
        and not any(not s.passed and s.target > top.target for s in steps)
    ]
    ratio = "n/a" if not (ours and base) else f"{ours.offered / base.offered:.2f}x"
    out(
        f"S2 target: >= 1.0x the baseline's maximum: ratio {ratio}, "
        f"{'met' if ours and base and ours.offered >= base.offered else 'MISSED'}"
        + (
            f" (no step above the maximum of {', '.join(open_ended)} failed: "
            "that maximum is a lower bound)"
            if open_ended
            else ""
        )
    )


def _step(target: float, summary: dict[str, object]) -> Step:
    messages = summary["messages"]
    assert isinstance(messages, dict)
    steady = summary["steady_latency_ms"]
    assert isinstance(steady, dict)
    errors = summary["errors"]
    assert isinstance(errors, dict)
    p99s = [float(figures["p99"]) for figures in steady.values()]
    return Step(
        target=target,
        offered=float(messages["offered_per_s"] or 0.0),
        achieved=float(messages["achieved_per_s"] or 0.0),
        worst_p99_ms=max(p99s) if p99s else None,
        errors=sum(errors.values()),
    )


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"
