from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from simulator.session_v16 import Options, run
from tests.simulator.support.central_system import (
    CentralSystem,
    Inbox,
    Lines,
    RunningCsms,
    central_system,
)
from tests.support.fake_services import edge, fakes

__all__ = ["edge", "fakes"]

# A tiny --interval: meter values, firmware and diagnostics steps follow each other at once.
STAYING = Options(id_tag="TAG-1", meter_values=1, interval=0.01, stay=True, connectors=2)


@dataclass
class Simulated:
    """A ``csms-sim SIM-T 1.6 --stay --connectors 2`` connected to a test CSMS, after its
    opening charging session."""

    csms: RunningCsms
    lines: Lines

    @property
    def inbox(self) -> Inbox:
        return self.csms.inbox

    @property
    def cp(self) -> CentralSystem:
        """The CSMS's side of the station's current connection."""
        return self.csms.station


@pytest.fixture
async def sim() -> AsyncIterator[Simulated]:
    async with central_system() as csms:
        lines = Lines()
        running = asyncio.create_task(run(csms.url, "SIM-T", STAYING, lines))
        staying = asyncio.create_task(lines.wait_for("staying connected"))
        await asyncio.wait([running, staying], return_when=asyncio.FIRST_COMPLETED)
        if running.done():
            staying.cancel()
            running.result()  # raises why the simulator stopped
        await staying
        csms.inbox.take_all()  # tests expect what follows their own calls
        yield Simulated(csms, lines)
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
