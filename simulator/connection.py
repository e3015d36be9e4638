"""The WebSocket side of a simulated station, the same for every OCPP version: opening
the connection, serving one connection (reading the socket while the session runs) and
the loop that connects again after a Reset or, with ``--stay``, a lost socket.

What the station does on a connection is the version's: :mod:`simulator.session_v16`,
:mod:`simulator.v2.session`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol, TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

from ocpp.charge_point import ChargePoint, snake_to_camel_case
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI
from websockets.typing import Subprotocol

from simulator.background import Background
from simulator.errors import ConnectionLost, ScenarioFailed
from simulator.uplink import Output

# Seconds between reconnect attempts of a station that stays (its --interval, within these).
RECONNECT_MIN = 0.1
RECONNECT_MAX = 5.0

Result = TypeVar("Result")
Summary = TypeVar("Summary")
Answer = TypeVar("Answer")
SHOWN_CHARACTERS = 80


class Reboot(Enum):
    """What :func:`serve` returns when the station closed its socket to reboot."""

    REQUESTED = "reboot"


@dataclass(frozen=True)
class Link:
    """Where and as what a station connects: ``url`` without the id, the OCPP version as
    printed, and its WebSocket subprotocol."""

    url: str
    charge_point_id: str
    version: str
    subprotocol: str

    @property
    def target(self) -> str:
        return endpoint(self.url, self.charge_point_id)


def endpoint(url: str, charge_point_id: str) -> str:
    """``URL/{id}``: the OCPP-J 1.6 §3.1.1 form (2.0.1 §3.2 too), the id percent-encoded
    as a path segment."""
    return url.rstrip("/") + "/" + quote(charge_point_id, safe="*-_=:+@.")


async def keep_connected(
    link: Link,
    ping: Callable[[], float],
    session: Callable[[ClientConnection, bool], Awaitable[Summary | Reboot | None]],
    *,
    stay: bool,
    interval: float,
    relink: Callable[[Link], Link] | None = None,
    out: Output,
) -> Summary:
    """Connect and run ``session(connection, first)`` (the scenario on the first
    connection, a resumption after a reboot) until it returns a summary; after a Reset,
    connect and boot again. ``ping``: the WebSocket ping interval, read at each connection.

    Raises :class:`ScenarioFailed` with a message for a person when the CSMS cannot be
    reached, refuses the connection, answers with a CALLERROR, or says no.
    """
    summary: Summary | None = None
    first = True
    while True:
        try:
            # ``relink``: where this connection goes, when the station chooses (OCPP 2.x
            # network profiles, B10).
            current = link if relink is None else relink(link)
            async with await open_connection(current, ping()) as connection:
                shown = _without_password(current.target)
                out(f"connected to {shown} as {link.charge_point_id} (OCPP {link.version})")
                outcome = await session(connection, first)
        except ScenarioFailed as failure:
            # A station that stays reconnects when it loses its socket (OCPP-J 1.6 §3.1 leaves
            # reconnecting to the station); it only gives up on its first connection.
            reconnecting = isinstance(failure, ConnectionLost) or not first
            if not (stay and reconnecting):
                raise
            delay = min(max(interval, RECONNECT_MIN), RECONNECT_MAX)
            out(f"{failure}; reconnecting in {delay:g} s")
            await asyncio.sleep(delay)
            first = False
            continue
        first = False
        if isinstance(outcome, Reboot):
            continue
        if outcome is not None:
            summary = outcome
        if summary is None:
            raise ScenarioFailed("the CSMS reset the station before the charging session ended")
        return summary


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


async def open_connection(link: Link, ping: float) -> ClientConnection:
    """The WebSocket to the CSMS with the version's subprotocol; ``ping`` 0 or less sends
    no pings."""
    target = link.target
    try:
        connection = await connect(
            target,
            subprotocols=[Subprotocol(link.subprotocol)],
            open_timeout=10,
            ping_interval=ping if ping > 0 else None,
        )
    except InvalidStatus as error:
        reason = error.response.body.decode("utf-8", "replace").strip()
        raise ScenarioFailed(
            f"the CSMS refused the connection to {target}: "
            f"HTTP {error.response.status_code} {reason}"
        ) from None
    except InvalidURI as error:
        raise ScenarioFailed(f"{link.url} is not a WebSocket URL: {error}") from None
    except (OSError, InvalidHandshake, TimeoutError) as error:
        raise ScenarioFailed(
            f"cannot connect to {target}: {error}; is the CSMS running (csms up)?"
        ) from None
    if connection.subprotocol != link.subprotocol:
        await connection.close()
        raise ScenarioFailed(f"the CSMS at {target} did not accept subprotocol {link.subprotocol}")
    return connection


async def serve(
    reading: Awaitable[None],
    work: Awaitable[Result],
    background: Background,
    rebooting: Callable[[], bool],
) -> Result | Reboot:
    """Run ``work`` while ``reading`` the socket; :data:`Reboot.REQUESTED` when the
    station closed it to reboot; :class:`ConnectionLost` when the CSMS closed it. The
    first unexpected failure of a ``background`` task is raised; the tasks end with it."""
    reader = asyncio.ensure_future(reading)
    job = asyncio.ensure_future(work)
    failure = asyncio.ensure_future(background.failure())
    try:
        await asyncio.wait([reader, job, failure], return_when=asyncio.FIRST_COMPLETED)
        if failure.done():
            failure.result()
        if job.done() and not rebooting():
            return job.result()
        if rebooting():
            return Reboot.REQUESTED
        closed = reader.exception()
        detail = f": {closed}" if isinstance(closed, ConnectionClosed) else ""
        raise ConnectionLost(f"the CSMS closed the connection{detail}")
    finally:
        for pending in (job, reader, failure):
            pending.cancel()
        # Their outcomes were used above; what is left is cancellation or a closed socket.
        await asyncio.gather(job, reader, failure, return_exceptions=True)
        await background.close()


class _Charger(Protocol):
    async def stop_all(self, reason: str) -> None: ...


class ConnectedStation(ChargePoint):  # type: ignore[misc]
    """What a station does on its connection whatever its OCPP version: print the CSMS's
    calls, send follow-ups once the answer is out, reboot, and :meth:`serve`. The version's
    station (:class:`simulator.station.Station`, :class:`simulator.v2.station.StationV2`)
    adds its state, uplink and charger."""

    charger: _Charger

    def __init__(
        self, charge_point_id: str, connection: ClientConnection, interval: float, out: Output
    ) -> None:
        super().__init__(charge_point_id, connection)
        self.interval = interval
        self.out = out
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
        :meth:`serve` connects again and boots (OCPP 1.6 §5.14, 2.0.1 B11, B12)."""
        await self.charger.stop_all(reason)
        self.rebooting = True
        self.out(f"rebooting ({reason})")
        await self._connection.close()

    async def serve(self, work: Awaitable[Result]) -> Result | Reboot:
        """Run ``work`` while reading the socket, as :func:`serve`."""
        return await serve(self.start(), work, self.background, lambda: self.rebooting)


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 3] + "..."
