"""One load station's life, the same for every OCPP version: connect, boot until
Accepted, report its connector, then either charge once (authorize, start, meter values
on schedule, stop when the run ends) or stay idle, heartbeating on schedule. What is sent
at each step is the version's (:mod:`simulator.load.station_v16`,
:mod:`simulator.load.station_v2`).

Periodic messages follow a fixed schedule. A station still waiting for an answer when
its next message falls due sends it late, once: the beats it missed are counted as
*offered* but not sent, so a CSMS that cannot keep up shows as achieved < offered.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from simulator.load import errors
from simulator.load.errors import CallFailed, LoadFailure, Unreachable
from simulator.load.plan import Member, Plan
from simulator.load.recorder import Recorder
from simulator.load.station_v2 import StationV2
from simulator.load.station_v16 import StationV16
from simulator.load.tally import Tally
from simulator.load.wire import Wire, open_wire

if TYPE_CHECKING:
    from simulator.load.storm import Storm

# Each meter value adds this much energy: an 11 kW charger sampled every ~80 s.
ENERGY_STEP_WH = 250
# Boots answered Pending before the station gives up, and the wait when the answer
# gives no interval.
BOOT_ATTEMPTS = 5
PENDING_RETRY = 5.0
FAILED_BOOT_RETRY = 1.0
# Heartbeats when neither --heartbeat-interval nor the boot answer give an interval.
DEFAULT_HEARTBEAT = 300.0


class Steps(Protocol):
    """One OCPP version's messages (:class:`StationV16`, :class:`StationV2`)."""

    subprotocol: str
    # The action that starts a transaction (StartTransaction, TransactionEvent).
    start_action: str

    async def boot(self, wire: Wire) -> tuple[str, int]: ...

    async def report(self, wire: Wire, status: str) -> None: ...

    async def heartbeat(self, wire: Wire) -> None: ...

    async def authorize(self, wire: Wire, id_tag: str) -> str: ...

    async def start(self, wire: Wire, id_tag: str, register_wh: int) -> str: ...

    async def meter(self, wire: Wire, register_wh: int) -> None: ...

    async def stop(self, wire: Wire, id_tag: str, register_wh: int) -> None: ...


# Each version's steps, new for every station (they keep its transaction).
STEPS: dict[str, Callable[[], Steps]] = {
    "1.6": StationV16,
    "2.0.1": lambda: StationV2("ocpp2.0.1"),
    "2.1": lambda: StationV2("ocpp2.1"),
}


class Refused(LoadFailure):
    """The CSMS did not accept the station's boot; it gives up."""


@dataclass
class Station:
    """One member of the fleet while it runs."""

    member: Member
    plan: Plan
    recorder: Recorder
    tally: Tally
    steps: Steps
    register_wh: int = 0
    wire: Wire | None = None

    @classmethod
    def of(cls, member: Member, plan: Plan, recorder: Recorder, tally: Tally) -> Station:
        return cls(member, plan, recorder, tally, STEPS[member.version]())

    async def connect(self) -> Wire:
        """Open the station's WebSocket; :class:`Unreachable` is recorded and raised."""
        try:
            wire = await open_wire(
                self.plan.url,
                self.member.charge_point_id,
                self.steps.subprotocol,
                self.recorder,
                source_address=self.member.source_address,
                open_timeout=self.plan.open_timeout,
                call_timeout=self.plan.call_timeout,
            )
        except Unreachable as failure:
            self.recorder.error(failure.kind, failure.detail)
            raise
        self.tally.connected += 1
        return wire

    async def boot(self, wire: Wire) -> float:
        """BootNotification until Accepted; the heartbeat interval to use. A Pending
        answer is retried after its interval (OCPP 1.6 §4.2, 2.0.1 B02), a CALLERROR or
        a missing answer after :data:`FAILED_BOOT_RETRY` (the failure is recorded)."""
        for attempt in range(1, BOOT_ATTEMPTS + 1):
            self.recorder.offered(time.monotonic())
            try:
                status, interval = await self.steps.boot(wire)
            except CallFailed:
                if attempt == BOOT_ATTEMPTS:
                    raise
                await wire.idle_until(time.monotonic() + FAILED_BOOT_RETRY)
                continue
            if status == "Accepted":
                chosen = self.plan.heartbeat_interval or interval or DEFAULT_HEARTBEAT
                return float(chosen)
            self.recorder.refused("BootNotification", status)
            if status != "Pending":
                break
            await wire.idle_until(time.monotonic() + (interval or PENDING_RETRY))
        raise Refused(errors.REFUSED, f"{self.member.charge_point_id} was not Accepted")

    async def send(self, step: Callable[[], Awaitable[object]], *, offer: bool = True) -> bool:
        """Run one step whose CALLERROR or timeout the station shrugs off (recorded by the
        wire), as a real charge point carries on; False when it failed. ``offer``: count
        it as offered now (periodic messages count their due moments themselves)."""
        if offer:
            self.recorder.offered(time.monotonic())
        return await _shrugged(step) is not None

    async def run(self, ends_at: float, storm: Storm | None = None) -> None:
        """The whole life of the station until ``ends_at`` (``time.monotonic()``), or
        through a reconnect ``storm``; failures are recorded, none is raised."""
        try:
            self.wire = await self.connect()
        except Unreachable:
            self.tally.failed += 1
            if storm is not None:
                storm.left()
            return
        try:
            await self.live(ends_at, storm)
        except LoadFailure as failure:
            if not isinstance(failure, CallFailed | Refused):
                self.recorder.error(failure.kind)
            self.tally.failed += 1
            if storm is not None:
                storm.left()
        finally:
            if self.wire is not None:
                self.tally.connected -= 1
                await self.wire.close()

    async def live(self, ends_at: float, storm: Storm | None) -> None:
        wire = self.current
        heartbeat = await self.boot(wire)
        self.tally.booted += 1
        self.tally.last_boot_at = time.monotonic()
        await self.send(lambda: self.steps.report(wire, "Available"))
        if storm is not None:
            await storm.ride(self, heartbeat)
            return
        if self.plan.transacts:
            await self.charge(wire, heartbeat, ends_at)
        await self.periodic(wire, heartbeat, ends_at, meter=False)
        self.tally.finished += 1

    @property
    def current(self) -> Wire:
        """The open connection (a storm replaces it)."""
        if self.wire is None:
            raise AssertionError("the station is not connected")
        return self.wire

    async def charge(self, wire: Wire, heartbeat: float, ends_at: float) -> None:
        """Authorize, start, meter values until ``ends_at`` (or ``--meter-values``), stop.
        A refusal is counted, not obeyed: the run is about the messages."""
        tag = self.member.id_tag
        steps = self.steps
        self.recorder.offered(time.monotonic())
        status = await _shrugged(lambda: steps.authorize(wire, tag))
        if status is not None and status != "Accepted":
            self.recorder.refused("Authorize", status)
        self.recorder.offered(time.monotonic())
        status = await _shrugged(lambda: steps.start(wire, tag, self.register_wh))
        if status is None:
            return
        if status != "Accepted":
            self.recorder.refused(steps.start_action, status)
        self.tally.charging += 1
        self.tally.started += 1
        try:
            await self.send(lambda: steps.report(wire, "Charging"))
            await self.periodic(wire, heartbeat, ends_at, meter=True)
        finally:
            self.tally.charging -= 1
        if await self.send(lambda: steps.stop(wire, tag, self.register_wh)):
            self.tally.completed += 1
        await self.send(lambda: steps.report(wire, "Available"))

    async def periodic(self, wire: Wire, heartbeat: float, ends_at: float, *, meter: bool) -> None:
        """Heartbeats (and meter values when ``meter``) on schedule until ``ends_at``, or
        for meter values until ``--meter-values`` were sent."""
        start = time.monotonic()
        beat = Schedule(start, heartbeat)
        sample = Schedule(start, self.plan.meter_interval if meter else math.inf)
        samples_left = self.plan.meter_values if meter else None
        while True:
            if samples_left == 0:
                return
            due = min(beat.next, sample.next)
            if due >= ends_at:
                await wire.idle_until(ends_at)
                return
            await wire.idle_until(due)
            now = time.monotonic()
            if sample.next <= beat.next:
                self.recorder.offered(sample.next, sample.advance(now))
                self.register_wh += ENERGY_STEP_WH
                await self.send(lambda: self.steps.meter(wire, self.register_wh), offer=False)
                if samples_left is not None:
                    samples_left -= 1
            else:
                self.recorder.offered(beat.next, beat.advance(now))
                await self.send(lambda: self.steps.heartbeat(wire), offer=False)


@dataclass
class Schedule:
    """Moments ``start + k * period``; :meth:`advance` moves past ``now`` and says how
    many moments were passed (1 on time, more when the station was late)."""

    start: float
    period: float
    count: int = 1

    @property
    def next(self) -> float:
        return self.start + self.count * self.period

    def advance(self, now: float) -> int:
        passed = max(1, math.floor((now - self.start) / self.period) - self.count + 1)
        self.count += passed
        return passed


async def _shrugged(step: Callable[[], Awaitable[object]]) -> str | None:
    """The step's answer as text, or None after a CALLERROR or timeout (recorded by the
    wire)."""
    try:
        return str(await step())
    except CallFailed:
        return None
