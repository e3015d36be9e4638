"""The simulated OCPP 2.1 charging station: the shared 2.x handlers (:mod:`simulator.v2`),
validated against ``ocpp.v21``'s schemas; the messages this station uses have the same
fields in 2.1 as in 2.0.1."""

from __future__ import annotations

from ocpp.v21 import call, call_result

from simulator.v2.handlers import Handlers


class StationV21(Handlers):
    _call = call
    _call_result = call_result
    _ocpp_version = "2.1"
