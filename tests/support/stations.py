"""``csms-sim CHARGE_POINT_ID VERSION URL --stay`` as a subprocess against a test system,
for end-to-end tests that operate a station the way the README does.

The station prints one line per exchange; :class:`StayingStation` reads them, so a test
can wait for what the station did (``staying connected`` after each (re)connection and
boot) instead of sleeping.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.system import System
from tests.support.waiting import eventually

SETTLED = "staying connected"
# A station's opening session is seconds; the bound is only for a broken system.
SETTLE_WITHIN = 60.0


@dataclass
class StayingStation:
    charge_point_id: str
    process: subprocess.Popen[bytes]
    output: Path

    def log(self) -> str:
        return self.output.read_text(errors="replace")

    def settled_count(self) -> int:
        """How often the station has connected, booted and settled to answer calls."""
        return self.log().count(SETTLED)

    def wait_settled(self, count: int = 1) -> None:
        """Until the station settled ``count`` times (after its first session, and once
        more after each Reset or lost connection)."""

        def settled() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"csms-sim exited with {self.process.returncode}:\n{self.log()}"
                )
            return self.settled_count() >= count

        eventually(settled, within=SETTLE_WITHIN, what=f"{self.charge_point_id} to settle")


@contextmanager
def staying_station(
    system: System, charge_point_id: str, version: str = "1.6", *options: str
) -> Iterator[StayingStation]:
    """Run ``csms-sim`` with ``--stay`` against ``system``; return once it has settled
    after its opening session; stop it at the end."""
    output = system.output.parent / f"sim-{charge_point_id}.log"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "simulator.cli",
                charge_point_id,
                version,
                system.ocpp_url,
                "--stay",
                *options,
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    station = StayingStation(charge_point_id, process, output)
    try:
        station.wait_settled()
        yield station
    finally:
        process.terminate()
        process.wait(10)
