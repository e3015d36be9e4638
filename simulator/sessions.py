"""What every version's charger does the same way: the controls of the charging sessions
that run, on a connector (1.6) or an EVSE (2.x); the pace of meter values; the heartbeat
loop; a reservation's expiry. What is sent at each step is the version's
(:mod:`simulator.charger`, :mod:`simulator.v2.charger`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

# Each meter value adds this much energy: an 11 kW charger sampled every ~80 s.
ENERGY_STEP_WH = 250


@dataclass
class Control:
    """How to end one connector's charging session from outside it."""

    reason: str | None = None
    requested: asyncio.Event = field(default_factory=asyncio.Event)
    finished: asyncio.Event = field(default_factory=asyncio.Event)

    def request(self, reason: str) -> None:
        self.reason = self.reason or reason
        self.requested.set()

    async def wait(self, seconds: float) -> bool:
        """True when a stop was requested within ``seconds``."""
        try:
            async with asyncio.timeout(seconds):
                await self.requested.wait()
        except TimeoutError:
            return False
        return True


class Sessions:
    """The running charging sessions' controls by connector or EVSE number."""

    def __init__(self) -> None:
        self._controls: dict[int, Control] = {}

    def get(self, place: int) -> Control | None:
        return self._controls.get(place)

    def claim(self, place: int) -> Control:
        control = self._controls[place] = Control()
        return control

    def end(self, place: int) -> None:
        """The session on ``place`` has ended and told the CSMS."""
        self._controls.pop(place).finished.set()

    def release(self, place: int) -> None:
        """Give back ``place`` if it was claimed."""
        control = self._controls.pop(place, None)
        if control is not None:
            control.finished.set()

    def request_stop(self, place: int, reason: str) -> bool:
        control = self._controls.get(place)
        if control is None:
            return False
        control.request(reason)
        return True

    async def stop_all(self, reason: str) -> None:
        """Stop every session and wait until each has told the CSMS."""
        controls = list(self._controls.values())
        for control in controls:
            control.request(reason)
        for control in controls:
            await control.finished.wait()

    async def idle(self) -> None:
        """Wait until no session runs."""
        while self._controls:
            await next(iter(self._controls.values())).finished.wait()


class Expiring(Protocol):
    @property
    def expiry(self) -> datetime: ...


async def sample_meter_values(
    control: Control,
    samples: int | None,
    interval: float,
    period: Callable[[], float],
    send: Callable[[], Awaitable[None]],
) -> None:
    """``send`` a meter value every ``interval`` seconds until ``samples`` were sent or,
    with ``samples=None``, every ``period()`` seconds (a configured interval, 0: none)
    until a stop is requested."""
    sent = 0
    while samples is None or sent < samples:
        wait = interval if samples is not None else period()
        if samples is None and wait <= 0:
            await control.requested.wait()
            return
        if await control.wait(wait):
            return
        await send()
        sent += 1


async def heartbeat_loop(
    period: Callable[[], float], changed: asyncio.Event, beat: Callable[[], Awaitable[object]]
) -> None:
    """``beat`` every ``period()`` seconds; ``changed`` restarts the wait with the new
    period; zero means no heartbeats."""
    while True:
        seconds = period()
        try:
            async with asyncio.timeout(seconds if seconds > 0 else None):
                await changed.wait()
        except TimeoutError:
            await beat()
            continue
        changed.clear()


async def expire_reservation(
    reservations: Mapping[int, Expiring],
    reservation_id: int,
    release: Callable[[], Awaitable[None]],
) -> None:
    """``release`` a reservation at its expiry unless it was used or cancelled by then."""
    reservation = reservations.get(reservation_id)
    if reservation is None:
        return
    await asyncio.sleep(max(0.0, (reservation.expiry - datetime.now(UTC)).total_seconds()))
    if reservations.get(reservation_id) is not reservation:
        return
    await release()
