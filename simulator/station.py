"""One connection of the simulated OCPP 1.6J station: the ``ocpp`` library's charge point
(framing, schema validation of every call and answer, routing) plus what the handlers share.

The handlers themselves are in :mod:`simulator.core_v16` and :mod:`simulator.management_v16`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from enum import Enum
from typing import Any, TypeVar, cast

from ocpp.charge_point import snake_to_camel_case
from ocpp.routing import on as library_on
from ocpp.v16 import ChargePoint
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from simulator.background import Background
from simulator.charger import Charger
from simulator.errors import ConnectionLost
from simulator.state import StationState
from simulator.uplink import Output, Uplink

Handler = TypeVar("Handler", bound=Callable[..., Any])
Result = TypeVar("Result")
Answer = TypeVar("Answer")
SHOWN_CHARACTERS = 80


def on(action: str) -> Callable[[Handler], Handler]:
    return cast(Callable[[Handler], Handler], library_on(action))


class Reboot(Enum):
    """What :meth:`Station.serve` returns when the station closed its socket to reboot."""

    REQUESTED = "reboot"


class Station(ChargePoint):  # type: ignore[misc]
    def __init__(
        self,
        charge_point_id: str,
        connection: ClientConnection,
        state: StationState,
        interval: float,
        out: Output,
    ) -> None:
        super().__init__(charge_point_id, connection)
        self.state = state
        self.interval = interval
        self.out = out
        self.uplink = Uplink(lambda request: self.call(request, suppress=False), out)
        self.charger = Charger(state, self.uplink, interval)
        self.background = Background(out)
        self.rebooting = False
        self._follow_ups: list[tuple[str, Coroutine[Any, Any, None]]] = []

    def heard(self, action: str, payload: dict[str, Any], answer: Answer, shown: str) -> Answer:
        """Print ``<- Action request -> answer`` for a CSMS-initiated call and return the
        answer."""
        shown_payload = snake_to_camel_case(payload)
        details = " ".join(f"{key}={_short(value)}" for key, value in shown_payload.items())
        self.out(f"<- {action} {details}".rstrip() + f" -> {shown}")
        return answer

    def after_answer(self, name: str, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` once the answer to the current call has been sent: a station tells
        the CSMS about a change only after it said it would make it."""
        self._follow_ups.append((name, work))

    async def route_message(self, raw_msg: str) -> None:
        await super().route_message(raw_msg)
        follow_ups, self._follow_ups = self._follow_ups, []
        for name, work in follow_ups:
            self.background.spawn(work, name)

    async def reboot(self, reason: str) -> None:
        """Stop every transaction with ``reason``, then close the socket; the caller of
        :meth:`serve` connects again and boots (§5.14)."""
        await self.charger.stop_all(reason)
        self.rebooting = True
        self.out(f"rebooting ({reason})")
        await self._connection.close()

    async def serve(self, work: Awaitable[Result]) -> Result | Reboot:
        """Run ``work`` while reading the socket; :data:`Reboot.REQUESTED` when the station
        closed it to reboot; :class:`ScenarioFailed` when the CSMS closed it."""
        reader = asyncio.ensure_future(self.start())
        job = asyncio.ensure_future(work)
        failure = asyncio.ensure_future(self.background.failure())
        try:
            await asyncio.wait([reader, job, failure], return_when=asyncio.FIRST_COMPLETED)
            if failure.done():
                failure.result()
            if job.done() and not self.rebooting:
                return job.result()
            if self.rebooting:
                return Reboot.REQUESTED
            closed = reader.exception()
            detail = f": {closed}" if isinstance(closed, ConnectionClosed) else ""
            raise ConnectionLost(f"the CSMS closed the connection{detail}")
        finally:
            for pending in (job, reader, failure):
                pending.cancel()
            # Their outcomes were used above; what is left is cancellation or a closed socket.
            await asyncio.gather(job, reader, failure, return_exceptions=True)
            await self.background.close()


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 3] + "..."
