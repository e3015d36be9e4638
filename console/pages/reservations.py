"""Reservations: the list (``GET /api/v1/reservations``, filtered by station and status,
paged), cancelling one (``DELETE``, after a confirmation) and making one (ReserveNow,
``POST /api/v1/charge-points/{chargePointId}/reservations``). Only an operator sees the forms.

The expiry is typed as a date and time in UTC and sent in RFC 3339; the station's answer
comes back as the reservation's status, which the list shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from console.api import OPERATION_TIMEOUT, Api, segment
from console.errors import ApiError
from console.forms import FormError
from console.moments import in_future, rfc3339
from console.notices import notice, problem, redirect
from console.rendering import render

PAGE_SIZE = 50
LIST_PATH = "/console/reservations"
STATUSES = ("PENDING", "ACTIVE", "REJECTED", "CANCELLED", "USED", "EXPIRED", "FAILED", "REMOVED")
# A reservation that still holds an EVSE (or may, once the station answers).
CANCELLABLE = frozenset({"PENDING", "ACTIVE"})
FIELDS = ("chargePointId", "evseId", "idTag", "expiresAt", "connectorType")
NOTICES = {
    "cancelled": "Reservation {id} is cancelled.",
    "reserved": "Reservation {id} is sent: its status below is the station's answer.",
}


@dataclass(frozen=True)
class Reservation:
    id: str
    station: str
    evse_id: int
    id_tag: str
    parent_id_tag: str
    expires_at: str
    status: str
    station_status: str
    station_update: str
    created_at: str
    transaction_id: str
    connector_type: str

    @property
    def cancellable(self) -> bool:
        return self.status in CANCELLABLE


def reservation(body: Mapping[str, Any]) -> Reservation:
    return Reservation(
        id=str(body.get("id", "")),
        station=str(body.get("chargePointId", "")),
        evse_id=int(body.get("evseId", 0) or 0),
        id_tag=str(body.get("idTag", "")),
        parent_id_tag=str(body.get("parentIdTag", "")),
        expires_at=str(body.get("expiresAt", "")),
        status=str(body.get("status", "")),
        station_status=str(body.get("stationStatus", "")),
        station_update=str(body.get("stationUpdate", "")),
        created_at=str(body.get("createdAt", "")),
        transaction_id=str(body.get("transactionId", "") or ""),
        connector_type=str(body.get("connectorType", "")),
    )


@dataclass(frozen=True)
class Filters:
    station: str = ""
    status: str = ""
    page: str = ""

    @classmethod
    def of(cls, request: Request) -> Filters:
        params = request.query_params
        return cls(
            station=params.get("station", "").strip(),
            status=params.get("status", "") if params.get("status") in STATUSES else "",
            page=params.get("page", ""),
        )

    def api_params(self) -> dict[str, str | int]:
        return {
            "chargePointId": self.station,
            "status": self.status,
            "pageSize": PAGE_SIZE,
            "pageToken": self.page,
        }

    def link(self, **changes: str) -> str:
        values = {"station": self.station, "status": self.status, "page": self.page, **changes}
        query = urlencode({k: v for k, v in values.items() if v})
        return LIST_PATH + (f"?{query}" if query else "")

    @property
    def query(self) -> str:
        """The filters (not the page) as a query string, for a form to come back to."""
        pairs = (("station", self.station), ("status", self.status))
        return urlencode([(name, value) for name, value in pairs if value])

    @property
    def active(self) -> bool:
        return bool(self.station or self.status)


@dataclass(frozen=True)
class ListView:
    filters: Filters
    rows: tuple[Reservation, ...]
    next_link: str
    first_link: str
    json_url: str
    notice: str = ""
    problem: str = ""
    statuses: tuple[str, ...] = STATUSES


async def _list_view(api: Api, filters: Filters) -> ListView:
    params = filters.api_params()
    answer = await api.get("/api/v1/reservations", params)
    next_token = str(answer.get("nextPageToken", ""))
    return ListView(
        filters=filters,
        rows=tuple(reservation(r) for r in answer.get("reservations", [])),
        next_link=filters.link(page=next_token) if next_token else "",
        first_link=filters.link(page="") if filters.page else "",
        json_url="/api/v1/reservations?" + urlencode({k: v for k, v in params.items() if v}),
    )


async def listing(request: Request, api: Api) -> Response:
    view = await _list_view(api, Filters.of(request))
    said = notice(request, NOTICES, id=request.query_params.get("reservation", ""))
    return render(
        request,
        "reservations.html",
        {"view": replace(view, notice=said)},
        section="reservations",
    )


async def cancel(request: Request, api: Api) -> Response:
    reservation_id = str(request.path_params["reservation_id"])
    form = await request.form()
    try:
        if not reservation_id.isdigit():
            raise FormError(f"{reservation_id!r} is not a reservation id")
        if form.get("confirm") != "yes":
            raise FormError(f"Confirm first: tick the box to cancel reservation {reservation_id}.")
        await api.call("DELETE", f"/api/v1/reservations/{reservation_id}", wait=OPERATION_TIMEOUT)
    except (FormError, ApiError) as error:
        message, status = problem(error)
        view = await _list_view(api, Filters.of(request))
        return render(
            request,
            "reservations.html",
            {"view": replace(view, problem=message)},
            status_code=status,
            section="reservations",
        )
    filters = Filters.of(request)
    return redirect(
        LIST_PATH,
        "cancelled",
        station=filters.station,
        status=filters.status,
        reservation=reservation_id,
    )


@dataclass(frozen=True)
class NewView:
    values: dict[str, str] = field(default_factory=dict)
    problem: str = ""


def reserve_body(values: Mapping[str, str]) -> dict[str, Any]:
    """A submitted reservation form as ReserveNow's body (the station is in the path)."""
    if not values.get("chargePointId"):
        raise FormError("Station id is required")
    if not values.get("idTag"):
        raise FormError("Id token is required")
    evse = values.get("evseId", "") or "0"
    if not evse.isdigit():
        raise FormError(f"EVSE: {evse!r} is not a whole number (0: any EVSE)")
    if not values.get("expiresAt"):
        raise FormError("Expires at is required")
    body: dict[str, Any] = {
        "evseId": int(evse),
        "idTag": values["idTag"],
        "expiresAt": rfc3339(values["expiresAt"], "Expires at"),
    }
    if values.get("connectorType"):
        body["connectorType"] = values["connectorType"]
    return body


async def new(request: Request, _api: Api) -> Response:
    values = {
        "chargePointId": request.query_params.get("station", ""),
        "evseId": "0",
        "expiresAt": in_future(60),
    }
    return render(
        request, "reservation_new.html", {"view": NewView(values)}, section="reservations"
    )


async def create(request: Request, api: Api) -> Response:
    form = await request.form()
    values = {name: str(form.get(name, "")).strip() for name in FIELDS}
    try:
        body = reserve_body(values)
        path = f"/api/v1/charge-points/{segment(values['chargePointId'])}/reservations"
        made = await api.call("POST", path, body=body, wait=OPERATION_TIMEOUT)
    except (FormError, ApiError) as error:
        message, status = problem(error)
        return render(
            request,
            "reservation_new.html",
            {"view": NewView(values, message)},
            status_code=status,
            section="reservations",
        )
    return redirect(
        LIST_PATH, "reserved", station=values["chargePointId"], reservation=str(made.get("id", ""))
    )


def routes(with_api: Callable[..., Any]) -> list[Route]:
    return [
        Route(LIST_PATH, with_api(listing), methods=["GET"]),
        Route(LIST_PATH, with_api(create), methods=["POST"]),
        Route(f"{LIST_PATH}/new", with_api(new), methods=["GET"]),
        Route(f"{LIST_PATH}/{{reservation_id}}/cancel", with_api(cancel), methods=["POST"]),
    ]
