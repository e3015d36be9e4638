"""The fleet: every station with its live state, filtered and paged by the API.

No page loads the whole fleet: the API filters and pages (``GET /api/v1/charge-points``
with the filters in the URL, so a view can be shared), counts come from
``GET /api/v1/fleet/summary``, and only the page's stations are asked about their
connection and their running sessions. Rows refresh one at a time from the live stream.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from console.api import Api, segment
from console.errors import ApiError
from console.paging import DEFAULT_PAGE_SIZE, PAGE_SIZES, page_size
from console.records import Station, latest_power, station
from console.rendering import is_fragment_request, render
from console.sessions import running

VERSIONS = ("1.6", "2.0.1", "2.1")
REGISTRATIONS = ("ACCEPTED", "PENDING", "REJECTED")
STATUSES = (
    "AVAILABLE",
    "PREPARING",
    "CHARGING",
    "SUSPENDED_EV",
    "SUSPENDED_EVSE",
    "FINISHING",
    "RESERVED",
    "UNAVAILABLE",
    "FAULTED",
    "OCCUPIED",
)
# EVSE states in which a session may run (OCPP 2.x says Occupied; what the session does,
# Charging or SuspendedEV, is in its transaction's chargingState).
SESSION_STATES = {
    "CHARGING",
    "SUSPENDED_EV",
    "SUSPENDED_EVSE",
    "PREPARING",
    "FINISHING",
    "OCCUPIED",
}


@dataclass(frozen=True)
class Activity:
    """What the running sessions of a station do: power summed, and per EVSE the session's
    charging state as the station reported it (OCPP 2.x chargingState)."""

    power_w: float | None = None
    charging_states: tuple[tuple[int, str], ...] = ()

    def state_of(self, evse_id: int) -> str:
        return next((state for evse, state in self.charging_states if evse == evse_id), "")


@dataclass(frozen=True)
class Row:
    station: Station
    connected: bool
    connected_version: str

    @property
    def busy(self) -> bool:
        """Whether an EVSE says a session may run: its activity is worth asking for."""
        return any(e.status in SESSION_STATES for e in self.station.outlets)


@dataclass(frozen=True)
class Filters:
    query: str = ""
    vendor: str = ""
    model: str = ""
    version: str = ""
    registration: str = ""
    status: str = ""
    size: int = DEFAULT_PAGE_SIZE
    page: str = ""

    @classmethod
    def of(cls, request: Request) -> Filters:
        params = request.query_params
        return cls(
            query=params.get("q", "").strip(),
            vendor=params.get("vendor", "").strip(),
            model=params.get("model", "").strip(),
            version=params.get("version", "") if params.get("version") in VERSIONS else "",
            registration=params.get("registration", "")
            if params.get("registration") in REGISTRATIONS
            else "",
            status=params.get("status", "") if params.get("status") in STATUSES else "",
            size=page_size(params.get("size", "")),
            page=params.get("page", ""),
        )

    def api_params(self) -> dict[str, str | int]:
        return {
            "query": self.query,
            "vendor": self.vendor,
            "model": self.model,
            "ocppVersion": self.version,
            "registrationStatus": self.registration,
            "connectorStatus": self.status,
            "pageSize": self.size,
            "pageToken": self.page,
        }

    def link(self, **changes: str | int) -> str:
        """This view's URL with ``changes`` (a new filter starts again at the first page)."""
        values: dict[str, str | int] = {
            "q": self.query,
            "vendor": self.vendor,
            "model": self.model,
            "version": self.version,
            "registration": self.registration,
            "status": self.status,
            "size": self.size if self.size != DEFAULT_PAGE_SIZE else "",
            "page": self.page,
        }
        values.update(changes)
        query = urlencode({k: v for k, v in values.items() if v != ""})
        return "/console/" + (f"?{query}" if query else "")

    @property
    def active(self) -> bool:
        return any(
            (self.query, self.vendor, self.model, self.version, self.registration, self.status)
        )


@dataclass(frozen=True)
class Count:
    label: str
    value: int
    link: str


@dataclass(frozen=True)
class Summary:
    total: int
    connected: int | None
    by_registration: tuple[Count, ...]
    by_status: tuple[Count, ...]
    by_version: tuple[Count, ...]
    vendors: tuple[str, ...]
    models: tuple[str, ...]


@dataclass(frozen=True)
class FleetView:
    filters: Filters
    rows: tuple[Row, ...]
    total: int | None
    next_link: str
    first_link: str
    summary: Summary | None
    live_url: str
    json_url: str
    page_sizes: Sequence[int] = PAGE_SIZES
    versions: Sequence[str] = VERSIONS
    registrations: Sequence[str] = REGISTRATIONS
    statuses: Sequence[str] = STATUSES
    problems: tuple[str, ...] = field(default=())


async def connections(api: Api, ids: Sequence[str]) -> dict[str, str]:
    """Which of ``ids`` are connected now, with the OCPP version of the session."""
    if not ids:
        return {}
    answer = await api.get("/api/v1/connections", {"chargePointIds": list(ids)})
    wanted = set(ids)
    return {
        str(c.get("chargePointId")): str(c.get("ocppVersion", ""))
        for c in answer.get("connections", [])
        if c.get("chargePointId") in wanted
    }


async def activity(api: Api, charge_point_id: str) -> Activity:
    """What the station's running sessions do: their charging state (OCPP 2.x) and power.

    Asked per row, once the row is shown (``_station_row.html`` loads it), so a page of
    the fleet costs a few API calls however many of its stations are charging."""
    sessions = await running(api, charge_point_id)
    powers = [p for p in (latest_power(t) for t in sessions) if p is not None]
    states = tuple(
        (int(t.get("evseId", 0)), str(t.get("chargingState", "")))
        for t in sessions
        if t.get("chargingState")
    )
    return Activity(sum(powers) if powers else None, states)


async def rows(api: Api, stations: Sequence[Station]) -> tuple[Row, ...]:
    connected = await connections(api, [s.id for s in stations])
    return tuple(Row(s, s.id in connected, connected.get(s.id, "")) for s in stations)


def _counts(
    table: Any, filters: Filters, parameter: str, names: Sequence[str]
) -> tuple[Count, ...]:
    """``{"NAME": n}`` as the non-zero counts in ``names``' order, each a link to the fleet
    filtered by it."""
    values = {str(k): int(v) for k, v in table.items()} if isinstance(table, dict) else {}
    return tuple(
        Count(n, values[n], filters.link(**{parameter: n, "page": ""}))
        for n in names
        if values.get(n)
    )


def _values(items: Any) -> tuple[str, ...]:
    """The values of ``[{"value": ..., "count": n}]``, most common first (as the API orders)."""
    if not isinstance(items, list):
        return ()
    return tuple(str(i["value"]) for i in items if isinstance(i, dict) and i.get("value"))


async def summary(api: Api, filters: Filters) -> Summary:
    body, statistics = await asyncio.gather(
        api.get("/api/v1/fleet/summary"), api.get("/api/v1/statistics")
    )
    return Summary(
        total=int(body.get("totalStations", 0)),
        connected=int(statistics.get("activeConnections", 0)),
        by_registration=_counts(
            body.get("stationsByRegistrationStatus"), filters, "registration", REGISTRATIONS
        ),
        by_status=_counts(body.get("connectorsByStatus"), filters, "status", STATUSES),
        by_version=_counts(body.get("stationsByOcppVersion"), filters, "version", VERSIONS),
        vendors=_values(body.get("vendors")),
        models=_values(body.get("models")),
    )


async def page(request: Request, api: Api) -> Response:
    filters = Filters.of(request)
    listing, fleet = await asyncio.gather(
        api.get("/api/v1/charge-points", filters.api_params()),
        _summary_or_none(api, filters),
    )
    stations = tuple(station(body) for body in listing.get("chargePoints", []))
    next_token = str(listing.get("nextPageToken", ""))
    total = listing.get("totalSize")
    view = FleetView(
        filters=filters,
        rows=await rows(api, stations),
        total=int(total) if total is not None else None,
        next_link=filters.link(page=next_token) if next_token else "",
        first_link=filters.link(page="") if filters.page else "",
        summary=fleet,
        live_url="/console/live?"
        + urlencode([("feed", "fleet"), *(("station", s.id) for s in stations)]),
        json_url="/api/v1/charge-points?"
        + urlencode({k: v for k, v in filters.api_params().items() if v != ""}),
    )
    template = "_fleet_table.html" if is_fragment_request(request) else "fleet.html"
    return render(request, template, {"view": view}, section="fleet")


async def _summary_or_none(api: Api, filters: Filters) -> Summary | None:
    try:
        return await summary(api, filters)
    except ApiError as error:
        if error.unauthenticated:
            raise
        return None


async def summary_fragment(request: Request, api: Api) -> Response:
    filters = Filters.of(request)
    return render(
        request, "_fleet_summary.html", {"summary": await summary(api, filters), "filters": filters}
    )


async def activity_fragment(request: Request, api: Api) -> Response:
    doing = await activity(api, request.path_params["charge_point_id"])
    return render(request, "_station_activity.html", {"activity": doing})


async def row_fragment(request: Request, api: Api) -> Response:
    charge_point_id = request.path_params["charge_point_id"]
    body = await api.get(f"/api/v1/charge-points/{segment(charge_point_id)}")
    (row,) = await rows(api, (station(body),))
    return render(request, "_station_row.html", {"row": row})
