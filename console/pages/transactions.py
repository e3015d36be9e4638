"""Transactions: the list (filtered and paged by the API, filters in the URL), one
transaction with its meter values charted, a CSV of every match, and ending a stale one.

``GET /api/v1/transactions`` filters by ``chargePointId``, ``idTag``, ``status``,
``startedAfter`` and ``startedBefore`` (RFC 3339) and may say ``totalSize``; the page
shows a count only when it does. Ending a transaction (``POST .../end``) sends nothing to
the station: it is for one its station will never end, and needs an operator and a
confirmation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from console.api import Api
from console.errors import ApiError
from console.forms import FormError
from console.moments import optional_rfc3339
from console.notices import notice, problem, redirect
from console.pages.station import Session
from console.paging import DEFAULT_PAGE_SIZE, PAGE_SIZES, page_size
from console.records import ENERGY, POWER, SOC, samples
from console.rendering import is_fragment_request, render

STATUSES = ("ACTIVE", "COMPLETED")
LIST_PATH = "/console/transactions"
NOTICES = {"ended": "Transaction {id} is ended: it is COMPLETED and its id token is free."}


@dataclass(frozen=True)
class Filters:
    """The list's filters as typed in the URL (``started_*`` as the operator typed them)."""

    station: str = ""
    id_tag: str = ""
    status: str = ""
    started_after: str = ""
    started_before: str = ""
    size: int = DEFAULT_PAGE_SIZE
    page: str = ""

    @classmethod
    def of(cls, request: Request) -> Filters:
        params = request.query_params
        size = params.get("size", "")
        return cls(
            station=params.get("station", "").strip(),
            id_tag=params.get("idTag", "").strip(),
            status=params.get("status", "") if params.get("status") in STATUSES else "",
            started_after=params.get("startedAfter", "").strip(),
            started_before=params.get("startedBefore", "").strip(),
            size=page_size(size),
            page=params.get("page", ""),
        )

    def api_params(self) -> dict[str, str | int]:
        """The API's query; a FormError naming the field when a time is not one."""
        return {
            "chargePointId": self.station,
            "idTag": self.id_tag,
            "status": self.status,
            "startedAfter": optional_rfc3339(self.started_after, "Started after"),
            "startedBefore": optional_rfc3339(self.started_before, "Started before"),
            "pageSize": self.size,
            "pageToken": self.page,
        }

    def query(self, **changes: str | int) -> str:
        values: dict[str, str | int] = {
            "station": self.station,
            "idTag": self.id_tag,
            "status": self.status,
            "startedAfter": self.started_after,
            "startedBefore": self.started_before,
            "size": self.size if self.size != DEFAULT_PAGE_SIZE else "",
            "page": self.page,
        }
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v != ""})

    def link(self, **changes: str | int) -> str:
        query = self.query(**changes)
        return LIST_PATH + (f"?{query}" if query else "")

    @property
    def csv_link(self) -> str:
        query = self.query(page="", size="")
        return f"{LIST_PATH}.csv" + (f"?{query}" if query else "")

    @property
    def active(self) -> bool:
        return any(
            (self.station, self.id_tag, self.status, self.started_after, self.started_before)
        )


@dataclass(frozen=True)
class Transaction:
    """One transaction as the API gave it (times as RFC 3339 text, energy in Wh)."""

    id: str
    station: str
    evse_id: int
    connector_id: int
    id_tag: str
    status: str
    started_at: str
    stopped_at: str
    meter_start_wh: float | None
    meter_stop_wh: float | None
    energy_wh: float | None
    stop_reason: str
    stop_id_tag: str
    ocpp_version: str
    station_transaction_id: str
    charging_state: str
    id_token_type: str
    reservation_id: str
    closure: dict[str, Any] | None

    @property
    def active(self) -> bool:
        return self.status == "ACTIVE"


def _number(value: Any) -> float | None:
    try:
        return None if value is None or value == "" else float(value)
    except (TypeError, ValueError):
        return None


def transaction(body: dict[str, Any]) -> Transaction:
    reason = str(body.get("stopReason", ""))
    closure = body.get("closure")
    return Transaction(
        id=str(body.get("id", "")),
        station=str(body.get("chargePointId", "")),
        evse_id=int(body.get("evseId", 0) or 0),
        connector_id=int(body.get("connectorId", 0) or 0),
        id_tag=str(body.get("idTag", "")),
        status=str(body.get("status", "")),
        started_at=str(body.get("startedAt", "")),
        stopped_at=str(body.get("stoppedAt", "")),
        meter_start_wh=_number(body.get("meterStartWh")),
        meter_stop_wh=_number(body.get("meterStopWh")),
        energy_wh=_number(body.get("energyWh")),
        stop_reason="" if reason.endswith("UNSPECIFIED") else reason,
        stop_id_tag=str(body.get("stopIdTag", "")),
        ocpp_version=str(body.get("ocppVersion", "")),
        station_transaction_id=str(body.get("stationTransactionId", "")),
        charging_state=str(body.get("chargingState", "")),
        id_token_type=str(body.get("idTokenType", "")),
        reservation_id=str(body.get("reservationId", "") or ""),
        closure=closure if isinstance(closure, dict) and closure else None,
    )


@dataclass(frozen=True)
class ListView:
    filters: Filters
    rows: tuple[Transaction, ...]
    total: int | None
    next_link: str
    first_link: str
    json_url: str
    problem: str = ""
    page_sizes: tuple[int, ...] = PAGE_SIZES
    statuses: tuple[str, ...] = STATUSES


async def listing(request: Request, api: Api) -> Response:
    filters = Filters.of(request)
    try:
        params = filters.api_params()
    except FormError as error:
        return refused(request, filters, error)
    answer = await api.get("/api/v1/transactions", params)
    next_token = str(answer.get("nextPageToken", ""))
    total = answer.get("totalSize")
    view = ListView(
        filters=filters,
        rows=tuple(transaction(t) for t in answer.get("transactions", [])),
        total=int(total) if total is not None else None,
        next_link=filters.link(page=next_token) if next_token else "",
        first_link=filters.link(page="") if filters.page else "",
        json_url="/api/v1/transactions?" + urlencode({k: v for k, v in params.items() if v != ""}),
    )
    return list_response(request, view)


def list_response(request: Request, view: ListView, status_code: int = 200) -> Response:
    template = "_transactions_table.html" if is_fragment_request(request) else "transactions.html"
    return render(
        request, template, {"view": view}, status_code=status_code, section="transactions"
    )


def refused(request: Request, filters: Filters, error: FormError) -> Response:
    """The list saying which filter is wrong, without asking the API: 400, but 200 to htmx,
    which swaps only successful answers."""
    view = ListView(filters, (), None, "", "", LIST_PATH, problem=str(error))
    return list_response(request, view, status_code=200 if is_fragment_request(request) else 400)


@dataclass(frozen=True)
class Reading:
    """One meter value: the power, energy register and SoC the chart draws, and the rest."""

    at: str
    power_w: float | None
    energy_wh: float | None
    soc: float | None
    others: tuple[str, ...]


def _others(meter_value: dict[str, Any]) -> tuple[str, ...]:
    """The samples the chart leaves out (per phase, other measurands), as text."""
    found = []
    for sampled in meter_value.get("sampledValues", []):
        measurand = sampled.get("measurand") or ENERGY
        if sampled.get("phase") or measurand not in {POWER, ENERGY, SOC}:
            parts = (measurand, sampled.get("phase"), sampled.get("value"), sampled.get("unit"))
            found.append(" ".join(str(p) for p in parts if p not in ("", None)))
    return tuple(found)


def readings(body: dict[str, Any]) -> tuple[Reading, ...]:
    found = []
    for meter_value in body.get("meterValues", []):
        charted = samples({"meterValues": [meter_value]})
        power = energy = soc = None
        if charted:
            power, energy, soc = charted[0].power_w, charted[0].energy_wh, charted[0].soc
        found.append(
            Reading(str(meter_value.get("timestamp", "")), power, energy, soc, _others(meter_value))
        )
    return tuple(sorted(found, key=lambda r: r.at))


@dataclass(frozen=True)
class DetailView:
    transaction: Transaction
    chart: str
    readings: tuple[Reading, ...]
    json_url: str
    notice: str = ""
    problem: str = ""
    values: dict[str, str] = field(default_factory=dict)


def _transaction_id(request: Request) -> str:
    text = str(request.path_params["transaction_id"])
    if not text.isdigit():
        raise ApiError(404, f"{text!r} is not a transaction id: transaction ids are numbers")
    return text


async def _detail(api: Api, transaction_id: str) -> DetailView:
    body = await api.get(f"/api/v1/transactions/{transaction_id}")
    return DetailView(
        transaction=transaction(body),
        chart=Session(body, samples(body)).chart(),
        readings=readings(body),
        json_url=f"/api/v1/transactions/{transaction_id}",
    )


async def detail(request: Request, api: Api) -> Response:
    transaction_id = _transaction_id(request)
    view = replace(
        await _detail(api, transaction_id), notice=notice(request, NOTICES, id=transaction_id)
    )
    return render(request, "transaction.html", {"view": view}, section="transactions")


async def end(request: Request, api: Api) -> Response:
    """Ends a stale ACTIVE transaction (``POST /api/v1/transactions/{id}/end``)."""
    transaction_id = _transaction_id(request)
    form = await request.form()
    values = {name: str(form.get(name, "")).strip() for name in ("reason", "endedBy")}
    message, status = "", 400
    if form.get("confirm") != "yes":
        message = "Confirm first: ending a transaction cannot be undone."
    elif not values["reason"]:
        message = "Reason is required: say why the transaction is ended."
    else:
        try:
            await api.call(
                "POST",
                f"/api/v1/transactions/{transaction_id}/end",
                body={"reason": values["reason"], "endedBy": values["endedBy"]},
            )
        except ApiError as error:
            message, status = problem(error)
        else:
            return redirect(f"{LIST_PATH}/{transaction_id}", "ended")
    view = replace(await _detail(api, transaction_id), problem=message, values=values)
    return render(
        request, "transaction.html", {"view": view}, status_code=status, section="transactions"
    )


def routes(with_api: Callable[..., Any]) -> list[Route]:
    # Imported here: transaction_export reads this module's filters and records.
    from console.pages import transaction_export

    return [
        Route(LIST_PATH, with_api(listing), methods=["GET"]),
        Route(f"{LIST_PATH}.csv", with_api(transaction_export.download), methods=["GET"]),
        Route(f"{LIST_PATH}/{{transaction_id}}", with_api(detail), methods=["GET"]),
        Route(f"{LIST_PATH}/{{transaction_id}}/end", with_api(end), methods=["POST"]),
    ]
