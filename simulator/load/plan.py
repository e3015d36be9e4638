"""What a load run does, decided before it starts: how many charge points of which OCPP
versions, how fast they connect, what they send and for how long, and from which source
addresses. Parsing of the command line's compact forms (``1.6=70,2.0.1=30``,
``127.0.0.1-127.0.0.8``) lives here so it can be tested without sockets.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

VERSIONS = ("1.6", "2.0.1", "2.1")

# One client socket per connection, each needing a local port: the kernel's ephemeral
# range (net.ipv4.ip_local_port_range, 32768-60999 by default) gives ~28k per source
# address and destination, so a fleet larger than that needs more source addresses.
PORTS_PER_SOURCE = 28_000


class PlanError(ValueError):
    """A value of the command line that cannot make a run; the message says which."""


@dataclass(frozen=True)
class Plan:
    """One load run.

    ``heartbeat_interval`` None: the interval the CSMS gives in its BootNotification
    answer. ``meter_values`` None: meter values until the run ends, then the stop.
    ``duration``: seconds the fleet runs after the ramp; with ``reconnect_storm`` the run
    ends instead once every charge point is Accepted again, or ``storm_timeout`` after
    the drop.
    """

    url: str
    count: int
    mix: Mapping[str, int] = field(default_factory=lambda: {"1.6": 100})
    ramp: float = 100.0
    heartbeat_interval: float | None = None
    meter_interval: float = 10.0
    meter_values: int | None = None
    duration: float = 30.0
    idle: bool = False
    reconnect_storm: bool = False
    storm_timeout: float = 60.0
    prefix: str = "LOAD"
    id_tag: str = "DEMO-TAG-001"
    source_addresses: tuple[str, ...] = ()
    call_timeout: float = 30.0
    open_timeout: float = 30.0

    @property
    def ramp_seconds(self) -> float:
        """How long connecting the whole fleet is planned to take."""
        return self.count / self.ramp if self.ramp > 0 else 0.0

    @property
    def transacts(self) -> bool:
        """Whether each charge point runs a transaction (not idle, no storm)."""
        return not (self.idle or self.reconnect_storm)


@dataclass(frozen=True)
class Member:
    """One charge point of the fleet."""

    index: int
    charge_point_id: str
    version: str
    id_tag: str
    source_address: str | None


def parse_mix(text: str) -> dict[str, int]:
    """``1.6=70,2.0.1=20,2.1=10`` (weights, any total) or one version (``2.0.1``)."""
    mix: dict[str, int] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        version, sep, weight = part.partition("=")
        version = version.strip()
        if version not in VERSIONS:
            raise PlanError(f"--mix: {version!r} is not one of {', '.join(VERSIONS)}")
        try:
            share = int(weight) if sep else 1
        except ValueError:
            raise PlanError(f"--mix: the weight of {version} must be an integer") from None
        if share < 0:
            raise PlanError(f"--mix: the weight of {version} must not be negative")
        mix[version] = mix.get(version, 0) + share
    if sum(mix.values()) <= 0:
        raise PlanError("--mix: give at least one version a positive weight, e.g. 1.6=100")
    return {version: share for version, share in mix.items() if share > 0}


def parse_sources(text: str) -> tuple[str, ...]:
    """``127.0.0.1-127.0.0.8`` (a range), ``127.0.0.1,127.0.0.2`` (a list) or ``8`` (that
    many loopback addresses from 127.0.0.1): the addresses client sockets bind to."""
    text = text.strip()
    if text.isdigit():
        count = int(text)
        if not 1 <= count <= 254:
            raise PlanError("--source-addresses: a count must be between 1 and 254")
        first = ipaddress.IPv4Address("127.0.0.1")
        return tuple(str(first + i) for i in range(count))
    try:
        if "-" in text:
            low, _, high = text.partition("-")
            start, end = ipaddress.IPv4Address(low.strip()), ipaddress.IPv4Address(high.strip())
            if end < start:
                raise PlanError(f"--source-addresses: {text} is an empty range")
            if int(end) - int(start) >= 1024:
                raise PlanError("--source-addresses: at most 1024 addresses")
            return tuple(str(start + i) for i in range(int(end) - int(start) + 1))
        return tuple(str(ipaddress.IPv4Address(p.strip())) for p in text.split(",") if p.strip())
    except ipaddress.AddressValueError as error:
        raise PlanError(f"--source-addresses: {error}") from None


def shares(mix: Mapping[str, int], count: int) -> list[str]:
    """The version of each of ``count`` charge points: proportions as in ``mix``, spread
    evenly along the fleet so that every part of the ramp has the same mix."""
    total = sum(mix.values())
    assigned = dict.fromkeys(mix, 0)
    versions: list[str] = []
    for i in range(count):
        version = max(mix, key=lambda v: mix[v] * (i + 1) / total - assigned[v])
        assigned[version] += 1
        versions.append(version)
    return versions


def members(plan: Plan) -> list[Member]:
    """Every charge point of the run, in ramp order. ``{id}`` in the id tag becomes the
    charge point id, so a benchmark can register one identifier per station."""
    width = max(5, len(str(plan.count)))
    sources: Sequence[str | None] = plan.source_addresses or (None,)
    result = []
    for index, version in enumerate(shares(plan.mix, plan.count)):
        charge_point_id = f"{plan.prefix}-{index + 1:0{width}d}"
        result.append(
            Member(
                index=index,
                charge_point_id=charge_point_id,
                version=version,
                id_tag=plan.id_tag.replace("{id}", charge_point_id),
                source_address=sources[index % len(sources)],
            )
        )
    return result


def check(plan: Plan) -> None:
    """Refuse a plan that cannot run, naming the option to change."""
    if plan.count < 1:
        raise PlanError("--count must be at least 1")
    if plan.ramp < 0:
        raise PlanError("--ramp must not be negative (0: connect all at once)")
    if plan.meter_interval <= 0:
        raise PlanError("--meter-interval must be positive")
    if plan.heartbeat_interval is not None and plan.heartbeat_interval <= 0:
        raise PlanError("--heartbeat-interval must be positive")
    if plan.duration < 0:
        raise PlanError("--duration must not be negative")
    if plan.meter_values is not None and plan.meter_values < 0:
        raise PlanError("--meter-values must not be negative")
    sources = max(1, len(plan.source_addresses))
    if plan.count > sources * PORTS_PER_SOURCE:
        raise PlanError(
            f"{plan.count} connections need more local ports than {sources} source "
            f"address(es) give (~{PORTS_PER_SOURCE} each): add --source-addresses "
            f"127.0.0.1-127.0.0.{min(254, plan.count // PORTS_PER_SOURCE + 1)}"
        )
    for version in plan.mix:
        if version not in VERSIONS:
            raise PlanError(f"unknown OCPP version {version}")
