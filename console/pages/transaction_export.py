"""Every transaction that matches the list's filters, as CSV (``/console/transactions.csv``).

The console walks the API's pages (``GET /api/v1/transactions``, :data:`PAGE_SIZE` at a
time) and streams the rows as they come, so an export of many transactions never sits in
memory. It stops after :data:`MAX_ROWS` rows (100,000): past that, narrow the filters
(e.g. by start time) and export again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from console.api import Api
from console.forms import FormError
from console.pages.transactions import Filters, Transaction, refused, transaction

PAGE_SIZE = 1000
MAX_ROWS = 100_000
HEADER = (
    "id",
    "station",
    "evse",
    "connector",
    "id_token",
    "status",
    "started_at",
    "stopped_at",
    "meter_start_wh",
    "meter_stop_wh",
    "energy_kwh",
    "stop_reason",
    "ocpp_version",
    "station_transaction_id",
)
# A cell a spreadsheet would run as a formula (OWASP "CSV injection"): id tokens and station
# ids come from stations, so text cells starting so get a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _number(value: float | None, scale: float = 1.0) -> str:
    return "" if value is None else f"{value / scale:.3f}".rstrip("0").rstrip(".")


def row(t: Transaction) -> tuple[str, ...]:
    return (
        t.id,
        _text(t.station),
        str(t.evse_id),
        str(t.connector_id),
        _text(t.id_tag),
        t.status,
        t.started_at,
        t.stopped_at,
        _number(t.meter_start_wh),
        _number(t.meter_stop_wh),
        _number(t.energy_wh, 1000),
        t.stop_reason,
        t.ocpp_version,
        _text(t.station_transaction_id),
    )


def _lines(rows: Iterable[tuple[str, ...]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


async def download(request: Request, api: Api) -> Response:
    """The CSV download: a header row, then every matching transaction across all pages,
    at most :data:`MAX_ROWS` (100,000) of them."""
    filters = Filters.of(request)
    try:
        params = {**filters.api_params(), "pageSize": PAGE_SIZE, "pageToken": ""}
    except FormError as error:
        return refused(request, filters, error)
    # The first page is read before the answer starts, so that a refusal (a bad filter, an
    # expired token) is a page that says so rather than a broken download.
    first = await api.get("/api/v1/transactions", params)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    return StreamingResponse(
        _stream(api, params, first),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="transactions-{stamp}.csv"'},
    )


async def _stream(
    api: Api, params: dict[str, str | int], answer: dict[str, Any]
) -> AsyncIterator[str]:
    yield _lines([HEADER])
    written = 0
    while True:
        items = answer.get("transactions", [])[: MAX_ROWS - written]
        written += len(items)
        yield _lines(row(transaction(t)) for t in items)
        token = str(answer.get("nextPageToken", ""))
        if not token or written >= MAX_ROWS:
            return
        # A failure here ends the stream unfinished: the browser reports the download failed.
        answer = await api.get("/api/v1/transactions", {**params, "pageToken": token})
