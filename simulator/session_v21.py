"""The OCPP 2.1 charging session (:mod:`simulator.v2.session`) over subprotocol
``ocpp2.1``."""

from __future__ import annotations

from simulator.scenario import DEFAULTS, Options
from simulator.station_v21 import StationV21
from simulator.uplink import Output
from simulator.v2.session import Protocol, Summary
from simulator.v2.session import run as run_v2

__all__ = ["OCPP21", "Options", "Summary", "run"]

OCPP21 = Protocol("2.1", "ocpp2.1", StationV21)


async def run(
    url: str, charge_point_id: str, options: Options = DEFAULTS, out: Output = print
) -> Summary:
    return await run_v2(OCPP21, url, charge_point_id, options, out)
