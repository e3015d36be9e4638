"""The reconnect storm (benchmark scenario S4): once every charge point of the fleet has
booted, every connection is dropped at the same moment, without a closing handshake, as
when a network link or a load balancer fails; each station connects again at once and
boots. Measured: the time from the drop until every station is Accepted again, and every
failed attempt on the way (handshake failures above all).

A station whose attempt fails tries again after a randomised, growing pause (what OCPP
2.0.1 B.1 RetryBackOff asks of real stations), until ``--storm-timeout`` after the drop.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from simulator.load.errors import ConnectionLost, LoadFailure
from simulator.load.wire import Wire

if TYPE_CHECKING:
    from simulator.load.station import Station

# Pause before the n-th retry: min(cap, base * 2**(n-1)), times a factor in [0.5, 1.5).
RETRY_BASE = 0.5
RETRY_CAP = 5.0


@dataclass
class Storm:
    """``expected``: stations of the fleet; each either holds a booted connection
    (:attr:`wires`) or has :meth:`left`, and when all have, the fleet may :meth:`drop`."""

    timeout: float
    expected: int = 0
    wires: dict[int, Wire] = field(default_factory=dict)
    departed: int = 0
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    dropped_at: float | None = None
    dropped: int = 0
    back: int = 0
    back_at: float | None = None
    gave_up: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    over: asyncio.Event = field(default_factory=asyncio.Event)

    def left(self) -> None:
        """A station gave up before the drop (it never booted, or lost its connection)."""
        self.departed += 1
        self._check_ready()

    def _check_ready(self) -> None:
        if len(self.wires) + self.departed >= self.expected:
            self.ready.set()

    def drop(self) -> None:
        """Abort every held connection now."""
        self.dropped_at = time.monotonic()
        held = list(self.wires.values())
        self.dropped = len(held)
        for wire in held:
            wire.abort()
        self._settle()

    @property
    def seconds_to_all_accepted(self) -> float | None:
        """From the drop to the last station Accepted again; None unless all came back."""
        if self.dropped_at is None or self.back < self.dropped or self.back_at is None:
            return None
        return self.back_at - self.dropped_at

    async def ride(self, station: Station, heartbeat: float) -> None:
        """Hold the station's connection, heartbeating, until the drop; then connect and
        boot again, and heartbeat until the run is cancelled."""
        index = station.member.index
        self.wires[index] = station.current
        self._check_ready()
        try:
            await station.periodic(station.current, heartbeat, math.inf, meter=False)
        except ConnectionLost:
            if self.dropped_at is None:
                raise
        finally:
            self.wires.pop(index, None)
        station.tally.connected -= 1
        station.wire = None
        if not await self._return(station):
            self.gave_up += 1
            station.tally.failed += 1
            self._settle()
            return
        self.back += 1
        self.back_at = time.monotonic()
        self._settle()
        await station.periodic(station.current, heartbeat, math.inf, meter=False)

    async def _return(self, station: Station) -> bool:
        """Connect and boot until Accepted or the storm's deadline; True when back."""
        assert self.dropped_at is not None
        deadline = self.dropped_at + self.timeout
        attempt = 0
        while True:
            try:
                station.wire = await station.connect()
                await station.boot(station.current)
                return True
            except LoadFailure as failure:
                self.failures[failure.kind] += 1
                if station.wire is not None:
                    station.tally.connected -= 1
                    station.wire.abort()
                    station.wire = None
            attempt += 1
            pause = min(RETRY_CAP, RETRY_BASE * 2 ** (attempt - 1)) * random.uniform(0.5, 1.5)
            if time.monotonic() + pause > deadline:
                return False
            await asyncio.sleep(pause)

    def _settle(self) -> None:
        if self.dropped_at is not None and self.back + self.gave_up >= self.dropped:
            self.over.set()
