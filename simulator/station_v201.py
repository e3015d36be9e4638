"""The simulated OCPP 2.0.1 charging station: the shared 2.x handlers
(:mod:`simulator.v2`), validated against ``ocpp.v201``'s schemas."""

from __future__ import annotations

from ocpp.v201 import call, call_result

from simulator.v2.handlers import Handlers


class StationV201(Handlers):
    _call = call
    _call_result = call_result
    _ocpp_version = "2.0.1"
