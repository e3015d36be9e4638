"""The System page: the health of every component and edge replica (``GET /api/v1/services``),
the edge's traffic figures (``GET /api/v1/statistics``) and their last hour, charted from
the console's own samples (:mod:`console.statistics`).

Refresh: the page's panel (``_system_panel.html``) asks for itself again every sample
interval with ``hx-trigger="every Ns"`` (one request for the whole panel, the same URL
with ``HX-Request``), which is the one place the console polls: health and counters have
no event in the API's stream. Without JavaScript the page is as fresh as its last load.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from console.api import Api, JsonObject
from console.errors import ApiError
from console.rendering import is_fragment_request, render
from console.statistics import Point, Sampler, count, number

SERVING = "SERVING"
# The order components are shown in; any other follows, by name.
COMPONENTS = ("edge", "chargepoint", "transaction", "auth")
UNKNOWN_COUNT = -1  # the edge says -1 when transaction_svc did not answer


@dataclass(frozen=True)
class Service:
    component: str
    address: str
    status: str
    version: str
    detail: str

    @property
    def serving(self) -> bool:
        return self.status == SERVING


@dataclass(frozen=True)
class ComponentGroup:
    component: str
    services: tuple[Service, ...]

    @property
    def serving(self) -> int:
        return sum(s.serving for s in self.services)

    @property
    def down(self) -> tuple[Service, ...]:
        return tuple(s for s in self.services if not s.serving)


@dataclass(frozen=True)
class Health:
    groups: tuple[ComponentGroup, ...]

    @property
    def total(self) -> int:
        return sum(len(g.services) for g in self.groups)

    @property
    def serving(self) -> int:
        return sum(g.serving for g in self.groups)

    @property
    def down(self) -> tuple[Service, ...]:
        return tuple(s for g in self.groups for s in g.down)


@dataclass(frozen=True)
class ActionRow:
    action: str
    direction: str
    count: int
    errors: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    max_ms: float | None


@dataclass(frozen=True)
class Figures:
    active_connections: int
    by_version: tuple[tuple[str, int], ...]
    connections_opened: int
    connections_closed: int
    handshakes_refused: int
    messages_received: int
    messages_sent: int
    calls_received: int
    error_rate: float
    call_errors: tuple[tuple[str, int], ...]
    actions: tuple[ActionRow, ...]
    transactions_active: int | None
    transactions_completed: int | None
    replicas: int
    since: str


@dataclass(frozen=True)
class Chart:
    """One figure for console.js: its caption, unit and series (``data-series``)."""

    id: str
    caption: str
    unit: str
    labels: tuple[str, ...]
    data: str


@dataclass(frozen=True)
class Charts:
    interval: float
    charts: tuple[Chart, ...]
    samples: int
    refused: bool
    problem: str
    has_token: bool


@dataclass(frozen=True)
class SystemView:
    health: Health | None
    health_problem: str
    figures: Figures | None
    figures_problem: str
    charts: Charts
    json_url: str = "/api/v1/statistics"

    @property
    def refresh_seconds(self) -> int:
        return max(1, round(self.charts.interval))


def health(body: JsonObject) -> Health:
    services = [
        Service(
            str(s.get("component", "")) or "unnamed",
            str(s.get("address", "")),
            str(s.get("status", "")) or "UNKNOWN",
            str(s.get("version", "")),
            str(s.get("detail", "")),
        )
        for s in body.get("services", [])
        if isinstance(s, dict)
    ]
    names = sorted(
        {s.component for s in services},
        key=lambda n: (COMPONENTS.index(n) if n in COMPONENTS else len(COMPONENTS), n),
    )
    return Health(
        tuple(
            ComponentGroup(name, tuple(s for s in services if s.component == name))
            for name in names
        )
    )


def _known(value: Any) -> int | None:
    number = count(value)
    return None if number == UNKNOWN_COUNT else number


def figures(body: JsonObject) -> Figures:
    versions = body.get("connectionsByVersion") or {}
    errors = body.get("callErrorsByCode") or {}
    actions = [
        ActionRow(
            str(a.get("action", "")),
            str(a.get("direction", "")),
            count(a.get("count")),
            count(a.get("errors")),
            number(a.get("p50Ms")),
            number(a.get("p95Ms")),
            number(a.get("p99Ms")),
            number(a.get("maxMs")),
        )
        for a in body.get("actions") or []
        if isinstance(a, dict)
    ]
    return Figures(
        active_connections=count(body.get("activeConnections")),
        by_version=tuple(sorted((str(k), count(v)) for k, v in dict(versions).items())),
        connections_opened=count(body.get("connectionsOpened")),
        connections_closed=count(body.get("connectionsClosed")),
        handshakes_refused=count(body.get("handshakesRefused")),
        messages_received=count(body.get("messagesReceived")),
        messages_sent=count(body.get("messagesSent")),
        calls_received=count(body.get("callsReceived")),
        error_rate=number(body.get("errorRate")) or 0.0,
        call_errors=tuple(
            sorted(((str(k), count(v)) for k, v in dict(errors).items()), key=lambda e: -e[1])
        ),
        # Busiest first: what the operator looks for.
        actions=tuple(sorted(actions, key=lambda a: (-a.count, a.action, a.direction))),
        transactions_active=_known(body.get("transactionsActive")),
        transactions_completed=_known(body.get("transactionsCompleted")),
        replicas=count(body.get("replicas")),
        since=str(body.get("since", "")),
    )


def _rounded(values: Sequence[float | int | None]) -> list[float | int | None]:
    return [None if v is None else round(v, 3) for v in values]


def _chart(
    id_: str, caption: str, unit: str, points: Sequence[Point], series: dict[str, list[Any]]
) -> Chart:
    data = {
        "t": [p.at for p in points],
        "unit": unit,
        "series": [{"label": label, "values": _rounded(v)} for label, v in series.items()],
    }
    return Chart(id_, caption, unit, tuple(series), json.dumps(data))


def charts(sampler: Sampler) -> Charts:
    points = sampler.points
    found = (
        ()
        if not points
        else (
            _chart(
                "chart-connections",
                "Active connections",
                "connections",
                points,
                {"Connections": [p.connections for p in points]},
            ),
            _chart(
                "chart-messages",
                "Messages per second, received from and sent to stations, and CALLERRORs sent",
                "per second",
                points,
                {
                    "Received/s": [p.received_per_s for p in points],
                    "Sent/s": [p.sent_per_s for p in points],
                    "CALLERRORs/s": [p.call_errors_per_s for p in points],
                },
            ),
            _chart(
                "chart-latency",
                "Worst p99 answer time across actions (ms)",
                "ms",
                points,
                {"Worst p99 (ms)": [p.worst_p99_ms for p in points]},
            ),
        )
    )
    return Charts(
        sampler.interval,
        found,
        len(points),
        sampler.refused,
        sampler.problem,
        sampler.has_token,
    )


async def _attempt(call: Any) -> JsonObject | ApiError:
    try:
        answer: JsonObject = await call
    except ApiError as error:
        return error
    return answer


async def view(api: Api, sampler: Sampler) -> SystemView:
    services, statistics = await asyncio.gather(
        _attempt(api.get("/api/v1/services")), _attempt(api.get("/api/v1/statistics"))
    )
    for answer in (services, statistics):
        if isinstance(answer, ApiError) and answer.unauthenticated:
            raise answer
    return SystemView(
        health=None if isinstance(services, ApiError) else health(services),
        health_problem=services.message if isinstance(services, ApiError) else "",
        figures=None if isinstance(statistics, ApiError) else figures(statistics),
        figures_problem=statistics.message if isinstance(statistics, ApiError) else "",
        charts=charts(sampler),
    )


async def page(request: Request, api: Api) -> Response:
    model = await view(api, request.state.sampler)
    template = "_system_panel.html" if is_fragment_request(request) else "system.html"
    return render(request, template, {"view": model}, section="system")


def routes(with_api: Callable[..., Any]) -> list[Route]:
    return [Route("/console/system", with_api(page))]
