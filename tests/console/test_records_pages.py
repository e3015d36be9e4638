"""The records pages (transactions, id tokens and the local list, reservations) rendered
against a fake API and parsed: what they ask the API, what they show, and to whom."""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.testclient import TestClient

from console.access import COOKIE
from console.app import build
from console.pages import transaction_export
from console.pages.reservations import FIELDS as RESERVATION_FIELDS
from console.pages.tokens import FIELDS
from servicekit.settings import Settings

pytestmark = pytest.mark.unit

Answer = dict[str, Any] | tuple[int, dict[str, Any]] | Callable[[httpx.Request], Any]


def token(role: str, subject: str = "ada") -> str:
    """A JWT-shaped token (signature not checked by the console) with ``role``."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256'})}.{part({'role': role, 'sub': subject})}.c2ln"


OPERATOR = token("operator")
VIEWER = token("viewer")


@dataclass
class FakeApi:
    """Canned answers by (method, path); every request it was sent, in order."""

    answers: dict[tuple[str, str], Answer] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.get((request.method, request.url.path))
        if answer is None:
            return httpx.Response(404, json={"code": 5, "message": "not found in the fake"})
        if callable(answer):
            answer = answer(request)
        status, body = answer if isinstance(answer, tuple) else (200, answer)
        return httpx.Response(status, json=body)

    def sent(self, method: str, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and r.url.path == path]

    def query(self, method: str, path: str) -> dict[str, str]:
        (request,) = self.sent(method, path)
        return {k: v[-1] for k, v in parse_qs(request.url.query.decode()).items()}


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def client(tmp_path: Path, api: FakeApi) -> Iterator[TestClient]:
    settings = Settings.from_env({"CSMS_DATA_DIR": str(tmp_path)})
    app = build(settings.console, transport=httpx.MockTransport(api))
    with TestClient(app, base_url="http://console.test", follow_redirects=False) as test_client:
        test_client.cookies.set(COOKIE, OPERATOR)
        yield test_client


def as_viewer(client: TestClient) -> None:
    client.cookies.set(COOKIE, VIEWER)


class Page(HTMLParser):
    """The parts of a page the tests look at: elements with their attributes, the text of
    headings, captions and ``.problem``/``.notice-done`` blocks, tables and forms."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.texts: dict[str, list[str]] = {}
        self.tables: list[dict[str, Any]] = []
        self.forms: list[dict[str, Any]] = []
        self._open: list[tuple[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.elements.append((tag, values))
        classes = values.get("class", "").split()
        key = next(
            (c for c in ("problem", "notice-done", "empty") if c in classes),
            tag if tag in {"h1", "caption", "th", "td", "dt", "dd", "label"} else "",
        )
        if tag == "table":
            self.tables.append({"caption": None, "th": [], "rows": 0})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"] += 1
        elif tag == "th" and self.tables:
            self.tables[-1]["th"].append(values.get("scope"))
        elif tag == "form":
            self.forms.append({**values, "fields": []})
        elif tag in {"input", "select", "textarea", "button"} and self.forms:
            self.forms[-1]["fields"].append((tag, values))
        if tag not in {"input", "meta", "link", "br"}:
            self._open.append((tag, key))
            if key:
                self.texts.setdefault(key, []).append("")

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            opened, _ = self._open.pop()
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, key in self._open:
            if key:
                self.texts[key][-1] += data
        if self._open and self._open[-1][0] == "caption" and self.tables:
            self.tables[-1]["caption"] = (self.tables[-1]["caption"] or "") + data

    def text(self, key: str) -> list[str]:
        return [" ".join(t.split()) for t in self.texts.get(key, [])]

    def links(self) -> list[str]:
        return [a.get("href", "") for tag, a in self.elements if tag == "a"]

    def commands(self) -> list[dict[str, Any]]:
        """The POST forms, but the header's "Sign out"."""
        return [
            f
            for f in self.forms
            if f.get("method", "get").lower() == "post" and f.get("action") != "/console/logout"
        ]

    def by_id(self, element_id: str) -> dict[str, str]:
        return next(a for _, a in self.elements if a.get("id") == element_id)


def sound(page: Page) -> None:
    """What every page holds to: one h1; tables captioned with scoped headers; every
    input a person fills in has a label; no inline script or style."""
    assert len(page.text("h1")) == 1
    for table in page.tables:
        assert table["caption"] and table["caption"].strip()
        assert table["th"] and all(scope in {"col", "row"} for scope in table["th"])
    labelled = {a.get("for") for tag, a in page.elements if tag == "label"}
    for tag, attrs in page.elements:
        if tag in {"input", "select", "textarea"} and attrs.get("type") != "hidden":
            assert attrs.get("id") in labelled or attrs.get("aria-label"), (tag, attrs)
        assert not (tag == "script" and "src" not in attrs)
        assert "style" not in attrs and tag != "style"


def parsed(response: httpx.Response) -> Page:
    page = Page(response.text)
    sound(page)
    return page


def a_transaction(number: int, **changes: Any) -> dict[str, Any]:
    return {
        "id": number,
        "chargePointId": "CP-1",
        "evseId": 1,
        "connectorId": 1,
        "idTag": f"TAG-{number}",
        "status": "COMPLETED",
        "meterStartWh": 1000,
        "meterStopWh": 8500,
        "energyWh": 7500,
        "startedAt": "2026-12-01T10:00:00Z",
        "stoppedAt": "2026-12-01T11:00:00Z",
        "stopReason": "EV_DISCONNECTED",
        "ocppVersion": "1.6",
        **changes,
    }


# Transactions


def test_transaction_list_passes_the_filters_as_the_api_names_them(
    client: TestClient, api: FakeApi
) -> None:
    api.answers["GET", "/api/v1/transactions"] = {
        "transactions": [a_transaction(7), a_transaction(6, status="ACTIVE", stoppedAt="")],
        "nextPageToken": "NEXT",
    }
    response = client.get(
        "/console/transactions",
        params={
            "station": "CP-1",
            "idTag": "TAG-7",
            "status": "COMPLETED",
            "startedAfter": "2026-12-01T08:30",
            "startedBefore": "2026-12-02",
            "page": "HERE",
        },
    )
    assert response.status_code == 200
    assert api.query("GET", "/api/v1/transactions") == {
        "chargePointId": "CP-1",
        "idTag": "TAG-7",
        "status": "COMPLETED",
        "startedAfter": "2026-12-01T08:30:00Z",
        "startedBefore": "2026-12-02T00:00:00Z",
        "pageSize": "50",
        "pageToken": "HERE",
    }
    page = parsed(response)
    (table,) = page.tables
    assert table["rows"] == 3  # the header and two transactions
    assert "/console/transactions/7" in page.links()
    assert "/console/stations/CP-1" in page.links()
    assert page.by_id("t-after")["value"] == "2026-12-01T08:30"
    links = [urlsplit(link) for link in page.links()]
    next_page = next(u for u in links if parse_qs(u.query).get("page") == ["NEXT"])
    assert parse_qs(next_page.query)["station"] == ["CP-1"]
    first = [u for u in links if u.path == "/console/transactions" and "status" in u.query]
    assert any("page" not in parse_qs(u.query) for u in first)
    csv_link = next(u for u in links if u.path == "/console/transactions.csv")
    assert parse_qs(csv_link.query) == {
        "station": ["CP-1"],
        "idTag": ["TAG-7"],
        "status": ["COMPLETED"],
        "startedAfter": ["2026-12-01T08:30"],
        "startedBefore": ["2026-12-02"],
    }


def test_transaction_list_counts_when_the_api_says_how_many(
    client: TestClient, api: FakeApi
) -> None:
    api.answers["GET", "/api/v1/transactions"] = {
        "transactions": [a_transaction(1)],
        "totalSize": 1,
    }
    page = parsed(client.get("/console/transactions"))
    assert page.tables[0]["caption"].split()[:2] == ["1", "transaction"]
    fragment = client.get("/console/transactions", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="transactions-table">')
    assert fragment.headers["vary"] == "HX-Request"
    assert not any("page=" in link for link in page.links())

    api.answers["GET", "/api/v1/transactions"] = {"transactions": []}
    page = parsed(client.get("/console/transactions", params={"status": "ACTIVE"}))
    assert page.tables == []
    assert page.text("empty")[0].startswith("No transaction matches these filters.")


def test_a_started_after_that_is_not_a_time_is_named_not_a_failure(
    client: TestClient, api: FakeApi
) -> None:
    response = client.get("/console/transactions", params={"startedAfter": "last tuesday"})
    assert response.status_code == 400
    (problem,) = parsed(response).text("problem")
    assert problem.startswith("Started after:") and "last tuesday" in problem
    # Nothing was asked of the API for the page (the System page's sampler reads statistics
    # on its own schedule).
    assert [r for r in api.requests if r.url.path != "/api/v1/statistics"] == []
    assert client.get("/console/transactions.csv?startedBefore=soon").status_code == 400


def test_csv_has_every_transaction_of_every_page(client: TestClient, api: FakeApi) -> None:
    def pages(request: httpx.Request) -> dict[str, Any]:
        if request.url.params.get("pageToken") == "P2":
            return {"transactions": [a_transaction(2, idTag="=HYPERLINK()")]}
        return {
            "transactions": [a_transaction(4, chargePointId="Depot, bay 3"), a_transaction(3)],
            "nextPageToken": "P2",
        }

    api.answers["GET", "/api/v1/transactions"] = pages
    response = client.get("/console/transactions.csv", params={"station": "Depot, bay 3"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="transactions-')
    assert disposition.endswith('.csv"')
    assert '"Depot, bay 3"' in response.text  # quoted, not split
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:5] == ["id", "station", "evse", "connector", "id_token"]
    assert [r[0] for r in rows[1:]] == ["4", "3", "2"]
    assert rows[1][1] == "Depot, bay 3"
    assert rows[3][4] == "'=HYPERLINK()"  # not a formula in a spreadsheet
    assert rows[1][rows[0].index("energy_kwh")] == "7.5"
    sent = api.sent("GET", "/api/v1/transactions")
    assert [r.url.params.get("pageToken") for r in sent] == [None, "P2"]
    assert {r.url.params["pageSize"] for r in sent} == {"1000"}
    assert {r.url.params["chargePointId"] for r in sent} == {"Depot, bay 3"}


def test_csv_stops_at_its_cap(
    client: TestClient, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transaction_export, "MAX_ROWS", 3)
    api.answers["GET", "/api/v1/transactions"] = lambda request: {
        "transactions": [a_transaction(1), a_transaction(2)],
        "nextPageToken": "MORE",
    }
    rows = list(csv.reader(io.StringIO(client.get("/console/transactions.csv").text)))
    assert len(rows) == 1 + 3
    assert len(api.sent("GET", "/api/v1/transactions")) == 2


def a_metered_transaction() -> dict[str, Any]:
    def value(at: str, watts: float, wh: float) -> dict[str, Any]:
        return {
            "timestamp": at,
            "sampledValues": [
                {"measurand": "Power.Active.Import", "value": watts, "unit": "W"},
                {"measurand": "Energy.Active.Import.Register", "value": wh, "unit": "Wh"},
                {"measurand": "Current.Import", "phase": "L1", "value": 16, "unit": "A"},
            ],
        }

    return a_transaction(
        9,
        status="ACTIVE",
        stoppedAt="",
        stopReason="STOP_REASON_UNSPECIFIED",
        stationTransactionId="abc-1",
        meterValues=[
            value("2026-12-01T10:00:00Z", 7000, 1000),
            value("2026-12-01T10:01:00Z", 11000, 1200),
        ],
    )


def test_transaction_detail_charts_its_meter_values(client: TestClient, api: FakeApi) -> None:
    api.answers["GET", "/api/v1/transactions/9"] = a_metered_transaction()
    response = client.get("/console/transactions/9")
    assert response.status_code == 200
    page = parsed(response)
    (figure,) = [a for tag, a in page.elements if tag == "figure"]
    assert "chart" in figure["class"].split()
    chart = json.loads(figure["data-chart"])
    start = datetime(2026, 12, 1, 10, tzinfo=UTC).timestamp()
    assert chart == {"t": [start, start + 60], "kW": [7.0, 11.0], "kWh": [0.0, 0.2]}
    (meter_table,) = page.tables
    assert meter_table["rows"] == 3
    assert "Current.Import L1 16 A" in page.text("td")
    facts = dict(zip(page.text("dt"), page.text("dd"), strict=True))
    assert facts["Station transaction id"] == "abc-1"
    assert facts["Energy"] == "7.50 kWh"
    assert facts["EVSE / connector"] == "1 / 1"
    (end,) = page.commands()
    assert end["action"] == "/console/transactions/9/end"
    names = {f.get("name") for _, f in end["fields"]}
    assert {"reason", "endedBy", "confirm"} <= names


def test_a_viewer_sees_no_end_form(client: TestClient, api: FakeApi) -> None:
    api.answers["GET", "/api/v1/transactions/9"] = a_metered_transaction()
    as_viewer(client)
    page = parsed(client.get("/console/transactions/9"))
    assert page.commands() == []
    assert page.text("h1")[0].startswith("Transaction 9")


def test_ending_a_transaction_needs_the_confirmation(client: TestClient, api: FakeApi) -> None:
    api.answers["GET", "/api/v1/transactions/9"] = a_metered_transaction()
    api.answers["POST", "/api/v1/transactions/9/end"] = a_transaction(9)
    response = client.post("/console/transactions/9/end", data={"reason": "rebooted"})
    assert response.status_code == 400
    assert parsed(response).text("problem")[0].startswith("Confirm first")
    assert api.sent("POST", "/api/v1/transactions/9/end") == []

    response = client.post(
        "/console/transactions/9/end",
        data={"reason": "station replaced", "endedBy": "ada", "confirm": "yes"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/console/transactions/9?notice=ended"
    (sent,) = api.sent("POST", "/api/v1/transactions/9/end")
    assert json.loads(sent.content) == {"reason": "station replaced", "endedBy": "ada"}
    page = parsed(client.get(response.headers["location"]))
    assert page.text("notice-done") == [
        "Transaction 9 is ended: it is COMPLETED and its id token is free."
    ]


def test_an_api_error_is_a_message(client: TestClient, api: FakeApi) -> None:
    api.answers["GET", "/api/v1/transactions/404"] = (
        404,
        {"code": 5, "message": "transaction 404 not found"},
    )
    response = client.get("/console/transactions/404")
    assert response.status_code == 404
    assert parsed(response).text("problem") == ["404 transaction 404 not found"]
    api.answers["POST", "/api/v1/transactions/9/end"] = (
        400,
        {"code": 9, "message": "transaction 9 is COMPLETED"},
    )
    api.answers["GET", "/api/v1/transactions/9"] = a_metered_transaction()
    response = client.post(
        "/console/transactions/9/end", data={"reason": "stale", "confirm": "yes"}
    )
    assert response.status_code == 400
    assert parsed(response).text("problem") == ["transaction 9 is COMPLETED"]
    assert client.get("/console/transactions/abc").status_code == 404


# Id tokens and the local list


def an_id_tag(name: str, **changes: Any) -> dict[str, Any]:
    return {
        "idTag": name,
        "status": "ACCEPTED",
        "createdAt": "2026-11-01T00:00:00Z",
        "updatedAt": "2026-11-02T00:00:00Z",
        "idTokenType": "ISO14443",
        **changes,
    }


def test_id_tokens_list_pages_and_shows_forms_to_operators_only(
    client: TestClient, api: FakeApi
) -> None:
    api.answers["GET", "/api/v1/id-tags"] = {
        "idTags": [an_id_tag("A-1"), an_id_tag("B/2", status="BLOCKED")],
        "nextPageToken": "T2",
    }
    page = parsed(client.get("/console/id-tags"))
    assert api.query("GET", "/api/v1/id-tags") == {"pageSize": "50"}
    assert "/console/id-tags?page=T2" in page.links()
    assert "/console/id-tags/B%2F2" in page.links()
    (create,) = page.commands()
    assert create["action"] == "/console/id-tags"
    assert {f.get("name") for _, f in create["fields"]} >= set(FIELDS)
    finder = next(f for f in page.forms if f.get("role") == "search")
    assert finder["method"] == "get"
    assert [f.get("name") for _, f in finder["fields"] if f.get("name")] == ["find"]

    as_viewer(client)
    page = parsed(client.get("/console/id-tags"))
    assert page.commands() == []


def test_find_opens_the_token_page_and_says_when_there_is_none(
    client: TestClient, api: FakeApi
) -> None:
    response = client.get("/console/id-tags", params={"find": "NOPE 1"})
    assert response.status_code == 303
    assert response.headers["location"] == "/console/id-tags/NOPE%201"
    api.answers["GET", "/api/v1/id-tags/NOPE 1"] = (
        404,
        {"code": 5, "message": "unknown id tag NOPE 1"},
    )
    response = client.get(response.headers["location"])
    assert response.status_code == 404
    assert parsed(response).text("problem") == ["404 unknown id tag NOPE 1"]

    # An id token may hold a "/": it stays one path segment on its way to the API.
    api.answers["GET", "/api/v1/id-tags/B/2"] = an_id_tag("B/2")
    api.answers["GET", "/api/v1/local-list"] = {"version": 1, "entries": []}
    response = client.get(client.get("/console/id-tags?find=B/2").headers["location"])
    assert response.status_code == 200
    assert parsed(response).text("h1") == ["Id token B/2"]
    (asked,) = api.sent("GET", "/api/v1/id-tags/B/2")
    assert asked.url.raw_path == b"/api/v1/id-tags/B%2F2"


def test_creating_an_id_token_posts_it_and_redirects(client: TestClient, api: FakeApi) -> None:
    api.answers["POST", "/api/v1/id-tags"] = an_id_tag("NEW-1")
    response = client.post(
        "/console/id-tags",
        data={"idTag": "NEW-1", "status": "ACCEPTED", "expiresAt": "2027-01-01T12:00"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/console/id-tags/NEW-1?notice=created"
    (sent,) = api.sent("POST", "/api/v1/id-tags")
    assert json.loads(sent.content) == {
        "idTag": "NEW-1",
        "status": "ACCEPTED",
        "expiresAt": "2027-01-01T12:00:00Z",
    }

    api.answers["GET", "/api/v1/id-tags"] = {"idTags": []}
    api.answers["POST", "/api/v1/id-tags"] = (409, {"code": 6, "message": "NEW-1 exists"})
    response = client.post("/console/id-tags", data={"idTag": "NEW-1", "status": "ACCEPTED"})
    assert response.status_code == 409
    page = parsed(response)
    assert page.text("problem") == ["NEW-1 exists"]
    assert page.by_id("new-idtag")["value"] == "NEW-1"


def test_id_token_page_edits_it(client: TestClient, api: FakeApi) -> None:
    api.answers["GET", "/api/v1/id-tags/A-1"] = an_id_tag(
        "A-1", expiresAt="2027-03-04T05:06:00Z", parentIdTag="FLEET"
    )
    api.answers["GET", "/api/v1/local-list"] = {"version": 3, "entries": [an_id_tag("A-1")]}
    api.answers["PUT", "/api/v1/id-tags/A-1"] = an_id_tag("A-1")
    page = parsed(client.get("/console/id-tags/A-1"))
    assert page.by_id("edit-expires")["value"] == "2027-03-04T05:06"
    assert page.by_id("edit-parent")["value"] == "FLEET"
    actions = [f["action"] for f in page.commands()]
    assert "/console/id-tags/A-1" in actions and "/console/local-list/remove" in actions

    response = client.post(
        "/console/id-tags/A-1",
        data={"status": "BLOCKED", "expiresAt": "", "parentIdTag": "", "idTokenType": ""},
    )
    assert response.status_code == 303
    (sent,) = api.sent("PUT", "/api/v1/id-tags/A-1")
    assert json.loads(sent.content) == {"idTag": "A-1", "status": "BLOCKED"}

    response = client.post("/console/id-tags/A-1", data={"status": "ACCEPTED", "expiresAt": "x"})
    assert response.status_code == 400
    assert parsed(response).text("problem")[0].startswith("Expires at:")

    as_viewer(client)
    page = parsed(client.get("/console/id-tags/A-1"))
    assert page.commands() == []


def test_local_list_adds_and_removes(client: TestClient, api: FakeApi) -> None:
    api.answers["GET", "/api/v1/local-list"] = {
        "version": 4,
        "entries": [an_id_tag("B-2"), an_id_tag("A-1")],
    }
    api.answers["PUT", "/api/v1/local-list/C 3"] = {"version": 5, "entries": []}
    api.answers["DELETE", "/api/v1/local-list/A-1"] = {"version": 6, "entries": []}
    page = parsed(client.get("/console/local-list"))
    (table,) = page.tables
    assert table["rows"] == 3
    assert "version 4" in table["caption"]
    send = next(f for f in page.forms if f.get("action") == "/console/local-list/send")
    assert send["method"] == "get"

    response = client.post("/console/local-list", data={"idTag": "C 3"})
    assert response.status_code == 303
    (added,) = api.sent("PUT", "/api/v1/local-list/C 3")
    assert json.loads(added.content) == {}
    page = parsed(client.get(response.headers["location"]))
    assert page.text("notice-done") == ["C 3 is in the local list now (a new version)."]

    response = client.post("/console/local-list/remove", data={"idTag": "A-1", "back": "id-tag"})
    assert response.headers["location"] == "/console/id-tags/A-1?notice=removed"
    assert len(api.sent("DELETE", "/api/v1/local-list/A-1")) == 1

    response = client.get("/console/local-list/send", params={"station": "CP 1"})
    assert response.headers["location"] == "/console/stations/CP%201/operations/SendLocalList"

    as_viewer(client)
    page = parsed(client.get("/console/local-list"))
    assert page.commands() == []


# Reservations


def a_reservation(number: int, **changes: Any) -> dict[str, Any]:
    return {
        "id": number,
        "chargePointId": "CP-1",
        "evseId": 1,
        "idTag": "TAG-1",
        "expiresAt": "2026-12-07T12:00:00Z",
        "status": "ACTIVE",
        "stationStatus": "ACCEPTED",
        "createdAt": "2026-12-07T11:00:00Z",
        **changes,
    }


def test_reservations_list_filters_pages_and_cancels(client: TestClient, api: FakeApi) -> None:
    api.answers["GET", "/api/v1/reservations"] = {
        "reservations": [a_reservation(5), a_reservation(4, status="USED", transactionId=8)],
        "nextPageToken": "R2",
    }
    response = client.get("/console/reservations", params={"station": "CP-1", "status": "ACTIVE"})
    page = parsed(response)
    assert api.query("GET", "/api/v1/reservations") == {
        "chargePointId": "CP-1",
        "status": "ACTIVE",
        "pageSize": "50",
    }
    assert "/console/reservations?station=CP-1&status=ACTIVE&page=R2" in page.links()
    assert "/console/transactions/8" in page.links()
    (cancel,) = [f for f in page.commands() if f["action"] != "/console/logout"]
    assert cancel["action"] == "/console/reservations/5/cancel?station=CP-1&status=ACTIVE"
    assert ("input", "checkbox") in {(t, f.get("type")) for t, f in cancel["fields"]}

    api.answers["DELETE", "/api/v1/reservations/5"] = a_reservation(5, status="CANCELLED")
    response = client.post("/console/reservations/5/cancel?station=CP-1", data={})
    assert response.status_code == 400
    assert parsed(response).text("problem")[0].startswith("Confirm first")
    assert api.sent("DELETE", "/api/v1/reservations/5") == []
    response = client.post("/console/reservations/5/cancel?station=CP-1", data={"confirm": "yes"})
    assert response.status_code == 303
    assert response.headers["location"] == (
        "/console/reservations?station=CP-1&reservation=5&notice=cancelled"
    )
    assert len(api.sent("DELETE", "/api/v1/reservations/5")) == 1

    as_viewer(client)
    page = parsed(client.get("/console/reservations"))
    assert page.commands() == []
    assert "/console/reservations/new" not in page.links()


def test_a_reservation_is_made_with_its_expiry_in_utc(client: TestClient, api: FakeApi) -> None:
    page = parsed(client.get("/console/reservations/new", params={"station": "CP-1"}))
    assert page.by_id("n-station")["value"] == "CP-1"
    (form,) = page.commands()
    assert form["action"] == "/console/reservations"
    assert {f.get("name") for _, f in form["fields"]} >= set(RESERVATION_FIELDS)
    assert page.by_id("n-expires")["type"] == "datetime-local"

    api.answers["POST", "/api/v1/charge-points/CP 1/reservations"] = a_reservation(11)
    response = client.post(
        "/console/reservations",
        data={
            "chargePointId": "CP 1",
            "evseId": "2",
            "idTag": "TAG-1",
            "expiresAt": "2026-12-07T13:45",
            "connectorType": "cCCS2",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == (
        "/console/reservations?station=CP+1&reservation=11&notice=reserved"
    )
    (sent,) = api.sent("POST", "/api/v1/charge-points/CP 1/reservations")
    assert json.loads(sent.content) == {
        "evseId": 2,
        "idTag": "TAG-1",
        "expiresAt": "2026-12-07T13:45:00Z",
        "connectorType": "cCCS2",
    }

    response = client.post(
        "/console/reservations",
        data={"chargePointId": "CP-1", "idTag": "TAG-1", "expiresAt": "tomorrow"},
    )
    assert response.status_code == 400
    page = parsed(response)
    assert page.text("problem")[0].startswith("Expires at:")
    assert page.by_id("n-idtag")["value"] == "TAG-1"
