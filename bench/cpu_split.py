"""S3, CPU per message per action, split between the edge, Envoy, the services and the
database: a load of (almost) one action at a time, and the CPU time each process spent
over the steady window divided by the messages answered in it.

The actions: 1.6 Heartbeat (an idle fleet beating every ``beat`` s), 1.6 MeterValues and
2.0.1 TransactionEvent (a charging fleet with a meter value every ``meter`` s and a
heartbeat every 300 s, so the steady window holds meter values only: boots, starts and
stops fall in the ramp and the wind-down). The database's share is measured only for a
PostgreSQL server on this machine (every ``postgres`` process is sampled, the CSMS's
connections among them); with SQLite the database runs inside the services' processes
and its CPU is part of theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.drive import SIMULATOR, drive
from bench.figures import Output, only
from bench.system import Running, register_id_tags
from simulator.load.plan import Plan, members, parse_mix

SERVICES = ("chargepoint", "transaction", "auth")


@dataclass(frozen=True)
class SingleAction:
    label: str
    mix: str
    args: tuple[str, ...]


def loads(count: int, duration: float) -> list[SingleAction]:
    common = ("--count", str(count), "--ramp", "200", "--duration", f"{duration:g}")
    charging = (*common, "--heartbeat-interval", "300", "--meter-interval", "1")
    return [
        SingleAction("1.6 Heartbeat", "1.6=100",
                     (*common, "--idle", "--heartbeat-interval", "1")),
        SingleAction("1.6 MeterValues", "1.6=100", charging),
        SingleAction("2.0.1 TransactionEvent", "2.0.1=100", charging),
    ]  # fmt: skip


def cpu_per_message(
    out: Output, count: int, duration: float, csms: Running, work: Path, *, database: str | None
) -> None:
    on_postgres = (
        database is not None
        and database.startswith("postgresql")
        and ("127.0.0.1" in database or "localhost" in database)
    )
    where = (
        "PostgreSQL on this machine (all its processes)"
        if on_postgres
        else "SQLite, inside the services' processes (no separate database figure)"
    )
    out(f"S3 CPU per message: {count} charge points, ~{count}/s of one action, "
        f"{duration:g} s steady each; database: {where}")  # fmt: skip
    for n, load in enumerate(loads(count, duration), start=1):
        prefix = f"S3{n}"
        plan = Plan(url="", count=count, mix=parse_mix(load.mix), prefix=prefix, id_tag="{id}")
        register_id_tags(csms.auth_address, [m.id_tag for m in members(plan)])
        pids = csms.pids()
        if on_postgres:
            pids.update({f"postgres-{pid}": pid for pid in _postgres_pids()})
        args = [*load.args, "--mix", load.mix, "--prefix", prefix, "--id-tag", "{id}"]
        run = drive(csms.ocpp_url, pids, args, work / f"s3-{n}.log")
        achieved = run.summary["messages"]["achieved_per_s"]
        if not achieved:
            out(f"S3 {load.label}: NOT MEASURED (nothing answered in the steady window)")
            continue
        share: dict[str, float] = {"edge": 0.0, "envoy": 0.0, "services": 0.0, "database": 0.0}
        for name, usage in run.usage.items():
            if name == SIMULATOR:
                continue
            group = (
                "edge" if name.startswith("edge")
                else "envoy" if name == "envoy"
                else "database" if name.startswith("postgres-")
                else "services" if name in SERVICES else None
            )  # fmt: skip
            if group is not None:
                share[group] += usage.cpu_percent / 100 * 1e6 / achieved
        for group, micros in share.items():
            if group == "database" and not on_postgres:
                continue
            only(out, "S3", f"{load.label} {group} us/msg", micros)
        only(out, "S3", f"{load.label} msg/s", achieved)


def _postgres_pids() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    found.append(int(entry.name))
            except OSError:
                continue
    return found
