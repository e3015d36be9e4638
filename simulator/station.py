"""One connection of the simulated OCPP 1.6J station: the ``ocpp`` library's charge point
(framing, schema validation of every call and answer, routing) plus what the handlers share.

The handlers themselves are in :mod:`simulator.core_v16` and :mod:`simulator.management_v16`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from ocpp.routing import on as library_on
from ocpp.v16 import ChargePoint
from websockets.asyncio.client import ClientConnection

from simulator.charger import Charger
from simulator.connection import ConnectedStation
from simulator.state import StationState
from simulator.uplink import Output, Uplink

Handler = TypeVar("Handler", bound=Callable[..., Any])


def on(action: str) -> Callable[[Handler], Handler]:
    return cast(Callable[[Handler], Handler], library_on(action))


class Station(ConnectedStation, ChargePoint):  # type: ignore[misc]
    """The 1.6 station: :class:`ConnectedStation` over ``ocpp.v16.ChargePoint``."""

    charger: Charger

    def __init__(
        self,
        charge_point_id: str,
        connection: ClientConnection,
        state: StationState,
        interval: float,
        out: Output,
    ) -> None:
        super().__init__(charge_point_id, connection, interval, out)
        self.state = state
        self.uplink = Uplink(lambda request: self.call(request, suppress=False), out)
        self.charger = Charger(state, self.uplink, interval)
