"""The fleet: every charge point of the run, connected at the planned ramp rate, each in
its own task (:class:`simulator.load.station.Station`), and the run's clock: the ramp,
the steady window the rates are measured over (from the ramp's planned end for
``--duration`` seconds), the wind-down (stations stop in the order and at the rate they
connected, so a transaction lasts as long on each); or, with a reconnect storm, the
drop once every station has booted and the end once all are back.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time

from simulator.load.plan import Plan, members
from simulator.load.recorder import Recorder, Window
from simulator.load.station import Station
from simulator.load.storm import Storm
from simulator.load.tally import Tally


async def run(plan: Plan, recorder: Recorder, tally: Tally, storm: Storm | None) -> float:
    """Run the fleet to its end; the seconds it took."""
    fleet = members(plan)
    tally.planned = len(fleet)
    start = time.monotonic()
    ramp_end = start + plan.ramp_seconds
    ends_at = math.inf if storm is not None else ramp_end + plan.duration
    recorder.window = Window(ramp_end, ends_at)
    if storm is not None:
        storm.expected = len(fleet)
    tasks: list[asyncio.Task[None]] = []
    try:
        for member in fleet:
            if plan.ramp > 0:
                delay = start + member.index / plan.ramp - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            station = Station.of(member, plan, recorder, tally)
            # Each station runs as long as the others: the wind-down mirrors the ramp.
            own_end = ends_at + (member.index / plan.ramp if plan.ramp > 0 else 0.0)
            tasks.append(asyncio.create_task(station.run(own_end, storm)))
            tally.launched += 1
        if storm is not None:
            await _storm(storm, recorder)
            for task in tasks:
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        for task in tasks:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*tasks, return_exceptions=True)
    return time.monotonic() - start


async def _storm(storm: Storm, recorder: Recorder) -> None:
    """Wait until every station holds its booted connection or gave up, drop them all,
    wait until all are back (or the storm's timeout)."""
    await storm.ready.wait()
    recorder.window.end = time.monotonic()
    storm.drop()
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(storm.timeout):
            await storm.over.wait()
