"""One station: what it said at boot, its EVSEs, its running sessions plotted as they arrive,
its configuration or device model, and its security.

The state panel (``_station_state.html``) is the unit the live stream refreshes.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from console.api import OPERATION_TIMEOUT, Api, segment
from console.errors import ApiError
from console.live import station_live_url
from console.pages.fleet import connections
from console.records import Sample, Station, samples, station
from console.rendering import is_fragment_request, parse_time, render
from console.sessions import running


@dataclass(frozen=True)
class Session:
    transaction: dict[str, Any]
    samples: tuple[Sample, ...]

    @property
    def id(self) -> str:
        return str(self.transaction.get("id", ""))

    @property
    def evse_id(self) -> int:
        return int(self.transaction.get("evseId", 0))

    @property
    def power_w(self) -> float | None:
        known = [s.power_w for s in self.samples if s.power_w is not None]
        return known[-1] if known else None

    @property
    def energy_wh(self) -> float:
        return float(self.transaction.get("energyWh", 0) or 0)

    def chart(self) -> str:
        """The samples as uPlot's columns (seconds; kW; kWh), for console.js."""
        times, power, energy = [], [], []
        first = None
        for sample in self.samples:
            moment = parse_time(sample.at)
            if moment is None:
                continue
            times.append(moment.timestamp())
            power.append(None if sample.power_w is None else round(sample.power_w / 1000, 3))
            if sample.energy_wh is not None and first is None:
                first = sample.energy_wh
            energy.append(
                None
                if sample.energy_wh is None or first is None
                else round((sample.energy_wh - first) / 1000, 3)
            )
        return json.dumps({"t": times, "kW": power, "kWh": energy})


@dataclass(frozen=True)
class StationView:
    station: Station
    connected: bool
    session_version: str
    sessions: tuple[Session, ...]
    credentials: dict[str, Any] | None
    live_url: str

    @property
    def id(self) -> str:
        return self.station.id


async def _sessions(api: Api, charge_point_id: str) -> tuple[Session, ...]:
    return tuple(Session(t, samples(t)) for t in await running(api, charge_point_id))


async def _optional(call: Any) -> Any:
    try:
        return await call
    except ApiError as error:
        if error.unauthenticated:
            raise
        return None


async def view(api: Api, charge_point_id: str) -> StationView:
    body, live, sessions, credentials = await asyncio.gather(
        api.get(f"/api/v1/charge-points/{segment(charge_point_id)}"),
        connections(api, [charge_point_id]),
        _sessions(api, charge_point_id),
        _optional(api.get(f"/api/v1/charge-points/{segment(charge_point_id)}/credentials")),
    )
    return StationView(
        station=station(body),
        connected=charge_point_id in live,
        session_version=live.get(charge_point_id, ""),
        sessions=sessions,
        credentials=credentials,
        live_url=station_live_url(charge_point_id),
    )


async def page(request: Request, api: Api) -> Response:
    model = await view(api, request.path_params["charge_point_id"])
    template = "_station_state.html" if is_fragment_request(request) else "station.html"
    return render(request, template, {"view": model, "tab": "overview"}, section="fleet")


async def state_fragment(request: Request, api: Api) -> Response:
    model = await view(api, request.path_params["charge_point_id"])
    return render(request, "_station_state.html", {"view": model})


@dataclass(frozen=True)
class ConfigurationView:
    station: Station
    search: str
    variables: tuple[dict[str, Any], ...]
    reported_at: str
    source: str
    """``device-model`` (2.x, as the station reported it) or ``configuration`` (1.6, asked now)."""
    problem: str


async def configuration(request: Request, api: Api) -> Response:
    charge_point_id = request.path_params["charge_point_id"]
    search = request.query_params.get("q", "").strip().lower()
    body = await api.get(f"/api/v1/charge-points/{segment(charge_point_id)}")
    current = station(body)
    problem, reported_at, rows = "", "", []
    if current.ocpp_version.startswith("2"):
        source = "device-model"
        model = await api.get(f"/api/v1/charge-points/{segment(charge_point_id)}/device-model")
        reported_at = str(model.get("reportedAt", ""))
        rows = list(model.get("variables", []))
    else:
        source = "configuration"
        try:
            answer = await api.call(
                "GET",
                f"/api/v1/charge-points/{segment(charge_point_id)}/configuration",
                wait=OPERATION_TIMEOUT,
            )
            rows = [
                {
                    "component": "",
                    "variable": str(item.get("key", "")),
                    "value": str(item.get("value", "")),
                    "mutability": "ReadOnly" if item.get("readonly") else "ReadWrite",
                }
                for item in answer.get("configurationKeys", [])
            ]
        except ApiError as error:
            if error.unauthenticated:
                raise
            problem = error.message
    if search:
        rows = [
            r
            for r in rows
            if search
            in " ".join(str(r.get(k, "")) for k in ("component", "variable", "value")).lower()
        ]
    return render(
        request,
        "configuration.html",
        {
            "view": ConfigurationView(current, search, tuple(rows), reported_at, source, problem),
            "tab": "configuration",
        },
        section="fleet",
    )


async def security(request: Request, api: Api) -> Response:
    charge_point_id = request.path_params["charge_point_id"]
    base = f"/api/v1/charge-points/{segment(charge_point_id)}"
    body, events, credentials = await asyncio.gather(
        api.get(base),
        api.get(f"{base}/security-events", {"pageSize": 100}),
        _optional(api.get(f"{base}/credentials")),
    )
    return render(
        request,
        "security.html",
        {
            "station": station(body),
            "events": events.get("securityEvents", events.get("events", [])),
            "credentials": credentials,
            "tab": "security",
        },
        section="fleet",
    )
