"""Live updates: the API's event stream relayed to a page as small named Server-Sent Events.

A page opens ``/console/live`` (htmx's SSE extension) once; the console follows
``GET /api/v1/events`` with the operator's token and tells the page, per station on it,
that something changed (one event named after the station's key, at most once a
second), so only that row or panel fetches its fragment again; nothing polls. The fleet
page also gets ``fleet`` (the counts changed, at most every two seconds) and ``recent``
(one line per connection, boot, status or transaction message, rendered here).
A comment every few seconds keeps proxies from closing a quiet stream; when the API's stream
ends the page's EventSource reconnects by itself, and the page says so meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import StreamingResponse

from console.api import Api
from console.errors import ApiError
from console.rendering import ENVIRONMENT, station_key

STATION_EVERY = 1.0
FLEET_EVERY = 2.0
# Stations that connect after the fleet page was loaded make its table refresh (``fleet-new``,
# at most every FLEET_EVERY) and are followed from then on, up to this many.
NEWCOMERS = 200
KEEPALIVE_EVERY = 10.0
RECENT_PER_SECOND = 10
NOTABLE_ACTIONS = {
    "BootNotification",
    "StatusNotification",
    "StartTransaction",
    "StopTransaction",
    "TransactionEvent",
    "SecurityEventNotification",
}
COUNTED_ACTIONS = {"BootNotification", "StatusNotification"}


def station_live_url(charge_point_id: str) -> str:
    """The stream a page about one station opens."""
    return "/console/live?" + urlencode({"station": charge_point_id})


def _frame(event: str, data: str = "") -> str:
    lines = data.splitlines() or [""]
    return f"event: {event}\n" + "".join(f"data: {line}\n" for line in lines) + "\n"


def notable(event: dict[str, Any]) -> bool:
    kind = event.get("kind")
    if kind in {"CONNECTED", "DISCONNECTED"}:
        return True
    return (
        kind == "MESSAGE"
        and event.get("direction") == "IN"
        and event.get("messageType") == "CALL"
        and event.get("action") in NOTABLE_ACTIONS
    )


def arrives(event: dict[str, Any]) -> bool:
    """A station connecting or booting: one the fleet page may not list yet."""
    return event.get("kind") == "CONNECTED" or (
        event.get("direction") == "IN"
        and event.get("messageType") == "CALL"
        and event.get("action") == "BootNotification"
    )


def changes_counts(event: dict[str, Any]) -> bool:
    return event.get("kind") in {"CONNECTED", "DISCONNECTED"} or (
        event.get("direction") == "IN" and event.get("action") in COUNTED_ACTIONS
    )


class Relay:
    """Turns API events into the page's events, throttled per station."""

    def __init__(self, stations: set[str], fleet: bool) -> None:
        self.stations = stations
        self.fleet = fleet
        self._due: dict[str, float] = {}  # station key -> when it may be sent again
        self._pending: set[str] = set()
        self._fleet_due = 0.0
        self._fleet_pending = False
        self._newcomers: set[str] = set()
        self._table_pending = False
        self._recent_window = (0, 0)  # (second, sent in it)

    def take(self, event: dict[str, Any], now: float) -> list[str]:
        frames: list[str] = []
        charge_point_id = str(event.get("chargePointId", ""))
        if not charge_point_id:
            return frames
        if self.fleet and arrives(event):
            if charge_point_id not in self.stations and len(self._newcomers) < NEWCOMERS:
                # A station the page does not show: follow it from now on.
                self.stations.add(charge_point_id)
                self._newcomers.add(charge_point_id)
            if charge_point_id in self._newcomers:
                # Its table may list it now (a station exists once its BootNotification
                # is stored, a moment after it connected).
                self._table_pending = True
        if charge_point_id in self.stations:
            self._pending.add(station_key(charge_point_id))
        if self.fleet and changes_counts(event):
            self._fleet_pending = True
        if self.fleet and notable(event) and self._recent_allowed(now):
            html = ENVIRONMENT.get_template("_recent_event.html").render(event=event)
            frames.append(_frame("recent", html))
        return frames + self.due(now)

    def _recent_allowed(self, now: float) -> bool:
        second, sent = self._recent_window
        if int(now) != second:
            second, sent = int(now), 0
        self._recent_window = (second, sent + 1)
        return sent < RECENT_PER_SECOND

    def due(self, now: float) -> list[str]:
        frames = []
        waiting = set()
        for key in sorted(self._pending):
            if self._due.get(key, 0.0) <= now:
                frames.append(_frame(key))
                self._due[key] = now + STATION_EVERY
            else:
                waiting.add(key)
        self._pending = waiting
        if (self._fleet_pending or self._table_pending) and self._fleet_due <= now:
            if self._fleet_pending:
                frames.append(_frame("fleet"))
            if self._table_pending:
                frames.append(_frame("fleet-new"))
            self._fleet_due = now + FLEET_EVERY
            self._fleet_pending = self._table_pending = False
        return frames


async def _follow(api: Api, stations: list[str], fleet: bool, queue: asyncio.Queue[Any]) -> None:
    params: dict[str, list[str]] = {} if fleet else {"chargePointIds": stations}
    try:
        async for event in api.lines("/api/v1/events", params):
            await queue.put(event)
    except ApiError as error:
        await queue.put(error)
    finally:
        await queue.put(None)


async def frames(request: Request, api: Api) -> AsyncIterator[str]:
    stations = request.query_params.getlist("station")
    fleet = request.query_params.get("feed") == "fleet"
    relay = Relay(set(stations), fleet)
    queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=10_000)
    follower = asyncio.create_task(_follow(api, stations, fleet, queue))
    quiet_since = time.monotonic()
    try:
        yield "retry: 3000\n\n"
        yield _frame("live", "open")
        while True:
            try:
                item = await asyncio.wait_for(queue.get(), timeout=0.5)
            except TimeoutError:
                item = {}
            now = time.monotonic()
            if item is None:
                return
            if isinstance(item, ApiError):
                yield _frame("problem", item.message)
                return
            out = relay.take(item, now) if item else relay.due(now)
            for frame in out:
                yield frame
            if out:
                quiet_since = now
            elif now - quiet_since >= KEEPALIVE_EVERY:
                yield ": keepalive\n\n"
                quiet_since = now
    finally:
        follower.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await follower


async def stream(request: Request, api: Api) -> StreamingResponse:
    return StreamingResponse(
        frames(request, api),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
