"""The console's pages against a fake API (the fast layer): each page rendered through the
real application (``console.app.build`` with an ``httpx.MockTransport``), parsed, and held
to what every page promises: ``<html lang>``, one ``<h1>``, a main landmark, labelled
controls, captioned tables with scoped header cells, no inline script or style (the CSP
forbids them), content-hashed static URLs served immutable, the CSP header; and under a
viewer token, no form that posts to an operation."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.testclient import TestClient

from console.access import COOKIE
from console.app import build
from servicekit.settings import Settings

pytestmark = pytest.mark.unit

OPENAPI = Path(__file__).resolve().parents[2] / "csms" / "openapi.json"
STATION = "CP-1"

CHARGE_POINT = {
    "id": STATION,
    "registrationStatus": "ACCEPTED",
    "vendor": "V",
    "model": "M1",
    "ocppVersion": "1.6",
    "lastSeenAt": "2026-12-07T10:00:00Z",
    "connectors": [
        {"evseId": 0, "connectorId": 0, "status": "AVAILABLE"},
        {"evseId": 1, "connectorId": 1, "status": "CHARGING", "statusAt": "2026-12-07T09:00:00Z"},
    ],
}
TRANSACTION = {
    "id": "42",
    "chargePointId": STATION,
    "evseId": 1,
    "idTag": "TAG-1",
    "startedAt": "2026-12-07T09:00:00Z",
    "energyWh": "1500",
    "meterValues": [
        {
            "timestamp": "2026-12-07T09:01:00Z",
            "sampledValues": [
                {"measurand": "Power.Active.Import", "value": "7000", "unit": "W"},
                {"measurand": "Energy.Active.Import.Register", "value": "100", "unit": "Wh"},
            ],
        }
    ],
}
STATISTICS = {
    "activeConnections": 3,
    "connectionsByVersion": {"1.6": 2, "2.0.1": 1},
    "connectionsOpened": "10",
    "connectionsClosed": "7",
    "handshakesRefused": "2",
    "messagesReceived": "500",
    "messagesSent": "400",
    "callErrorsByCode": {"FormationViolation": "4", "NotImplemented": "1"},
    "errorRate": 0.0125,
    "callsReceived": "400",
    "actions": [
        {
            "action": "Heartbeat",
            "direction": "received",
            "count": "300",
            "errors": "0",
            "p50Ms": 1.5,
            "p95Ms": 3.0,
            "p99Ms": 4.25,
            "maxMs": 9.0,
        },
        {
            "action": "BootNotification",
            "direction": "received",
            "count": "12",
            "errors": "4",
            "p50Ms": 12.0,
            "p95Ms": 30.0,
            "p99Ms": 55.5,
            "maxMs": 70.0,
        },
    ],
    "transactionsActive": "1",
    "transactionsCompleted": "-1",
    "since": "2026-12-07T08:00:00Z",
    "replicas": 2,
}
SERVICES = {
    "services": [
        {"component": "edge", "address": "10.0.0.1:50054", "status": "SERVING", "version": "0.1"},
        {
            "component": "edge",
            "address": "10.0.0.2:50054",
            "status": "UNREACHABLE",
            "detail": "UNAVAILABLE: connection refused",
        },
        {"component": "chargepoint", "address": "cp:50051", "status": "SERVING"},
        {"component": "transaction", "address": "tx:50052", "status": "SERVING"},
        {"component": "auth", "address": "auth:50053", "status": "SERVING"},
    ]
}
MESSAGES = {
    "messages": [
        {
            "at": "2026-12-07T09:00:03.500Z",
            "direction": "OUT",
            "messageType": "CALL_RESULT",
            "messageId": "m1",
            "action": "BootNotification",
            "payload": '{"status": "Accepted"}',
        },
        {
            "at": "2026-12-07T09:00:01Z",
            "direction": "IN",
            "messageType": "CALL",
            "messageId": "m1",
            "action": "BootNotification",
            "payload": "{}",
        },
        {
            "at": "2026-12-07T08:59:00Z",
            "direction": "OUT",
            "messageType": "CALL_ERROR",
            "messageId": "m0",
            "action": "Heartbeat",
            "payload": '["FormationViolation", "bad", {}]',
        },
        {
            "at": "2026-12-07T08:58:59.900Z",
            "direction": "IN",
            "messageType": "CALL",
            "messageId": "m0",
            "action": "Heartbeat",
            "payload": "{",
        },
    ],
    "nextPageToken": "older",
}


class FakeApi:
    """The REST API's answers for one station, a fleet of one and the statistics; records
    every request. ``refuse`` makes it answer 401 to all but /openapi.json."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.refuse = False
        self.document = OPENAPI.read_bytes()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path == "/openapi.json":
            return httpx.Response(200, content=self.document)
        if self.refuse:
            return httpx.Response(401, json={"code": 16, "message": "Jwt is missing"})
        body = self.answer(request.method, path)
        if body is None:
            return httpx.Response(404, json={"code": 5, "message": f"no {path}"})
        return httpx.Response(200, json=body)

    def answer(self, method: str, path: str) -> dict[str, Any] | None:
        station = f"/api/v1/charge-points/{STATION}"
        if method != "GET":
            return {"status": "Accepted"} if path.startswith(station + "/") else None
        return {
            "/api/v1/charge-points": {
                "chargePoints": [CHARGE_POINT],
                "totalSize": 1,
                "nextPageToken": "page-2",
            },
            station: CHARGE_POINT,
            f"{station}/messages": MESSAGES,
            f"{station}/configuration": {"configurationKeys": [{"key": "HeartbeatInterval"}]},
            "/api/v1/connections": {
                "connections": [{"chargePointId": STATION, "ocppVersion": "1.6"}]
            },
            "/api/v1/fleet/summary": {
                "total": 1,
                "byRegistrationStatus": {"ACCEPTED": 1},
                "byOcppVersion": {"1.6": 1},
                "connectorsByStatus": {"CHARGING": 1},
                "vendors": [{"name": "V", "count": 1}],
                "models": [{"name": "M1", "count": 1}],
            },
            "/api/v1/statistics": STATISTICS,
            "/api/v1/services": SERVICES,
            "/api/v1/transactions": {"transactions": [TRANSACTION]},
        }.get(path)

    def calls(self, method: str, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and r.url.path == path]


def token(role: str) -> str:
    def part(value: dict[str, str]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'ES256'})}.{part({'role': role, 'sub': f'a-{role}'})}.c2ln"


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def client(api: FakeApi, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings.from_env({"CSMS_DATA_DIR": str(tmp_path)})
    app = build(settings.console, transport=httpx.MockTransport(api))
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


# --- what every page promises -------------------------------------------------------


class Page(HTMLParser):
    """What the checks need from one HTML document."""

    CONTROLS = {"input", "select", "textarea"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.html_lang: str | None = None
        self.h1 = 0
        self.main = 0
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.tables: list[dict[str, Any]] = []
        self.inline_scripts = 0
        self.styled: list[str] = []
        self.urls: list[str] = []
        self.forms: list[dict[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self._everywhere(tag, a)
        if tag == "html":
            self.html_lang = a.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "main" or a.get("role") == "main":
            self.main += 1
        elif tag == "label" and a.get("for"):
            self.label_for.add(str(a["for"]))
        elif tag in self.CONTROLS and a.get("type") not in {"hidden", "submit", "button"}:
            self.controls.append({**a, "_in_label": str("label" in self.stack)})
        elif tag in {"table", "caption", "th"}:
            self._table(tag, a)
        elif tag == "script" and not a.get("src"):
            self.inline_scripts += 1
        elif tag == "form":
            self.forms.append(a)
        if tag not in {"input", "meta", "link", "br", "img", "hr"}:
            self.stack.append(tag)

    def _everywhere(self, tag: str, a: dict[str, str | None]) -> None:
        if "style" in a:
            self.styled.append(tag)
        self.urls += [str(a[name]) for name in ("href", "src") if a.get(name)]

    def _table(self, tag: str, a: dict[str, str | None]) -> None:
        if tag == "table":
            self.tables.append({"caption": False, "th": []})
        elif tag == "caption" and self.stack and self.stack[-1] == "table":
            self.tables[-1]["caption"] = True
        elif tag == "th" and self.tables:
            self.tables[-1]["th"].append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def check_page(client: TestClient, response: httpx.Response) -> Page:
    assert response.status_code == 200, response.text[:500]
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page = parse(response.text)
    assert page.html_lang, "<html> has no lang"
    assert page.h1 == 1, f"{page.h1} h1 elements"
    assert page.main == 1, "no main landmark"
    for control in page.controls:
        labelled = (
            control.get("aria-label")
            or control.get("aria-labelledby")
            or control.get("id") in page.label_for
            or control["_in_label"] == "True"
        )
        assert labelled, f"control without a label: {control}"
    for table in page.tables:
        assert table["caption"], "a table without a caption"
        assert table["th"], "a table without header cells"
        for th in table["th"]:
            assert th.get("scope") in {"col", "row", "colgroup", "rowgroup"}, th
    assert page.inline_scripts == 0, "an inline script"
    assert page.styled == [], f"style= attributes on {page.styled}"
    statics = [u for u in page.urls if u.startswith("/console/static/")]
    assert statics, "no static file linked"
    for url in statics:
        assert "?v=" in url, f"{url} is not content-hashed"
    return page


def check_statics(client: TestClient, page: Page) -> None:
    for url in {u for u in page.urls if u.startswith("/console/static/")}:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert "immutable" in answer.headers["cache-control"], url


def test_a_static_url_without_its_hash_is_not_cached_for_good(client: TestClient) -> None:
    answer = client.get("/console/static/console.js")
    assert answer.status_code == 200
    assert "immutable" not in answer.headers["cache-control"]


def operation_forms(page: Page) -> list[dict[str, str | None]]:
    return [
        f
        for f in page.forms
        if (f.get("method") or "get").lower() == "post" and "/operations/" in str(f.get("action"))
    ]


PAGES = (
    "/console/",
    f"/console/stations/{STATION}",
    f"/console/stations/{STATION}/timeline",
    f"/console/stations/{STATION}/configuration",
    f"/console/stations/{STATION}/operations",
    f"/console/stations/{STATION}/operations/Reset",
    f"/console/stations/{STATION}/operations/GetConfiguration",
    "/console/system",
    "/console/login",
)


@pytest.mark.parametrize("url", PAGES)
def test_every_page_is_well_formed_and_accessible(client: TestClient, url: str) -> None:
    page = check_page(client, client.get(url))
    check_statics(client, page)


@pytest.mark.parametrize("url", PAGES)
def test_a_viewer_sees_no_form_that_posts_an_operation(client: TestClient, url: str) -> None:
    client.cookies.set(COOKIE, token("viewer"))
    page = check_page(client, client.get(url))
    assert operation_forms(page) == []
    if url != "/console/login":
        assert "viewer" in page.words


def test_an_operator_gets_the_forms(client: TestClient) -> None:
    client.cookies.set(COOKIE, token("operator"))
    page = check_page(client, client.get(f"/console/stations/{STATION}/operations/Reset"))
    assert operation_forms(page)


# --- the pages' content --------------------------------------------------------------


def test_the_fleet_lists_the_station_with_its_counts_and_a_next_page(client: TestClient) -> None:
    page = check_page(client, client.get("/console/"))
    assert STATION in page.words
    assert "Charging" in page.words
    assert "Next page" in page.words
    assert any("page=page-2" in u for u in page.urls)
    assert any(u.startswith("/api/v1/charge-points?") for u in page.urls)  # the JSON twin
    assert "7.0 kW" in page.words


def test_the_station_page_shows_its_session_and_chart(client: TestClient) -> None:
    response = client.get(f"/console/stations/{STATION}")
    page = check_page(client, response)
    assert "Transaction 42 on EVSE 1" in page.words
    assert "data-chart=" in response.text


def test_the_timeline_marks_a_callerror_and_a_slow_answer(client: TestClient) -> None:
    response = client.get(f"/console/stations/{STATION}/timeline")
    page = check_page(client, response)
    assert "CALLERROR" in page.words
    assert "is-error" in response.text
    assert "slow answer: 2500 ms" in page.words
    assert page.words.count("slow answer") == 1  # the 100 ms answer is not
    assert "100 ms" in page.words
    assert "Older frames" in page.words


def test_the_operations_index_comes_from_the_openapi_document(client: TestClient) -> None:
    page = check_page(client, client.get(f"/console/stations/{STATION}/operations"))
    assert "Reset" in page.words
    assert "Trigger Message" in page.words
    assert "Get Configuration" in page.words


def test_an_operation_form_has_the_documented_fields(client: TestClient) -> None:
    response = client.get(f"/console/stations/{STATION}/operations/Reset")
    page = check_page(client, response)
    names = {c.get("name") for c in page.controls}
    assert {"type", "evseId", "confirm"} <= names
    assert ">HARD<" in response.text and ">SOFT<" in response.text


def test_a_disruptive_operation_without_confirm_is_refused(
    client: TestClient, api: FakeApi
) -> None:
    response = client.post(
        f"/console/stations/{STATION}/operations/Reset", data={"type": "SOFT", "evseId": "1"}
    )
    assert response.status_code == 400
    assert "Confirm first" in parse(response.text).words
    assert api.calls("POST", f"/api/v1/charge-points/{STATION}/reset") == []


def test_a_confirmed_operation_calls_the_api_with_the_form_as_json(
    client: TestClient, api: FakeApi
) -> None:
    response = client.post(
        f"/console/stations/{STATION}/operations/Reset",
        data={"type": "HARD", "evseId": "2", "confirm": "yes"},
    )
    assert response.status_code == 200
    assert "The station answered Accepted." in parse(response.text).words
    (call,) = api.calls("POST", f"/api/v1/charge-points/{STATION}/reset")
    assert json.loads(call.content) == {"type": "HARD", "evseId": 2}


def test_a_field_the_api_would_not_take_is_named(client: TestClient, api: FakeApi) -> None:
    response = client.post(
        f"/console/stations/{STATION}/operations/Reset",
        data={"type": "HARD", "evseId": "two", "confirm": "yes"},
    )
    assert response.status_code == 400
    assert "Evse id: 'two' is not a whole number" in parse(response.text).words
    assert api.calls("POST", f"/api/v1/charge-points/{STATION}/reset") == []


def test_an_operation_over_htmx_answers_the_answer_panel_only(client: TestClient) -> None:
    response = client.post(
        f"/console/stations/{STATION}/operations/TriggerMessage",
        data={"requestedMessage": "HEARTBEAT"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "The station answered Accepted." in parse(response.text).words


def wait_for_samples(client: TestClient, count: int = 1) -> None:
    sampler = client.app.state.sampler  # type: ignore[attr-defined]
    deadline = time.monotonic() + 5
    while len(sampler.points) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(sampler.points) >= count


def test_the_system_page_shows_health_statistics_and_charts(client: TestClient) -> None:
    wait_for_samples(client)
    response = client.get("/console/system")
    page = check_page(client, response)
    words = page.words
    assert "4 / 5 serving" in words
    assert "edge at 10.0.0.2:50054 is unreachable." in words
    assert "edge 1 / 2 serving" in words
    assert "UNAVAILABLE: connection refused" in words
    assert "Serving" in words and "Unreachable" in words
    assert "Active connections 3" in words
    assert "OCPP 1.6 2" in words and "OCPP 2.0.1 1" in words
    assert "Handshakes refused 2" in words
    assert "Error rate 1.25 %" in words
    assert "FormationViolation 4" in words
    assert "Transactions completed unknown" in words
    assert "over 2 edge replicas" in words
    assert "Heartbeat from stations 300 0 1.5 3.0 4.2 9.0" in words
    assert words.index("Heartbeat from stations") < words.index("BootNotification from")
    assert '<link rel="alternate" type="application/json" href="/api/v1/statistics">' in (
        response.text
    )
    assert 'hx-trigger="every 10s"' in response.text
    assert response.text.count("data-series=") == 3
    assert "No samples yet" not in words


def test_the_system_charts_hold_the_series_console_js_draws(client: TestClient) -> None:
    wait_for_samples(client)
    response = client.get("/console/system", headers={"HX-Request": "true"})
    assert "<html" not in response.text
    series = [json.loads(value) for value in _attribute_values(response.text, "data-series")]
    labels = [[s["label"] for s in chart["series"]] for chart in series]
    assert labels == [["Connections"], ["Received/s", "Sent/s", "CALLERRORs/s"], ["Worst p99 (ms)"]]
    for chart in series:
        assert all(len(s["values"]) == len(chart["t"]) for s in chart["series"])
    assert series[0]["series"][0]["values"][0] == 3
    assert series[2]["series"][0]["values"][0] == 55.5


def _attribute_values(html: str, name: str) -> list[str]:
    found: list[str] = []

    class Finder(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.extend(str(v) for k, v in attrs if k == name)

    Finder().feed(html)
    return found


def test_the_system_page_says_when_there_is_no_sample_yet(api: FakeApi, tmp_path: Path) -> None:
    settings = Settings.from_env({"CSMS_DATA_DIR": str(tmp_path)})
    app = build(settings.console, transport=httpx.MockTransport(api))
    plain = TestClient(app)  # no lifespan: the sampler never starts
    page = check_page(plain, plain.get("/console/system"))
    assert "No samples yet: the first arrives within 10 s." in page.words


def test_the_system_page_says_the_charts_need_a_token_when_the_api_refuses_them(
    api: FakeApi, tmp_path: Path
) -> None:
    settings = Settings.from_env(
        {"CSMS_DATA_DIR": str(tmp_path), "CSMS_CONSOLE_API_TOKEN": "console.tok.en"}
    )
    app = build(settings.console, transport=httpx.MockTransport(api))
    plain = TestClient(app)
    api.refuse = True
    asyncio.run(app.state.sampler.sample())
    assert api.requests[-1].headers["authorization"] == "Bearer console.tok.en"
    api.refuse = False
    plain.cookies.set(COOKIE, token("viewer"))
    page = check_page(plain, plain.get("/console/system"))
    assert "refused the console's token" in page.words
    assert "a valid viewer token in CSMS_CONSOLE_API_TOKEN" in page.words


def test_without_a_token_the_system_page_names_the_variable(api: FakeApi, tmp_path: Path) -> None:
    settings = Settings.from_env({"CSMS_DATA_DIR": str(tmp_path)})
    app = build(settings.console, transport=httpx.MockTransport(api))
    plain = TestClient(app)
    api.refuse = True
    asyncio.run(app.state.sampler.sample())
    assert "authorization" not in api.requests[-1].headers
    api.refuse = False
    page = check_page(plain, plain.get("/console/system"))
    assert "the charts need CSMS_CONSOLE_API_TOKEN" in page.words
    assert "No samples yet" in page.words


def test_the_system_page_says_what_failed_when_a_part_of_the_api_does(
    client: TestClient, api: FakeApi
) -> None:
    api.document = b""
    original = api.answer

    def without_services(method: str, path: str) -> dict[str, Any] | None:
        return None if path == "/api/v1/services" else original(method, path)

    api.answer = without_services  # type: ignore[method-assign]
    page = check_page(client, client.get("/console/system"))
    assert "The API did not say how the components are: no /api/v1/services" in page.words
    assert "Active connections 3" in page.words


def test_the_login_page_refuses_what_is_not_a_token(client: TestClient) -> None:
    response = client.post("/console/login", data={"token": "nonsense", "next": "/console/"})
    assert response.status_code == 400
    assert "That is not a token" in parse(response.text).words


def test_signing_in_keeps_the_token_and_goes_back(client: TestClient) -> None:
    response = client.post(
        "/console/login", data={"token": token("viewer"), "next": "/console/system"}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/console/system"
    assert COOKIE in response.headers["set-cookie"]
    assert "httponly" in response.headers["set-cookie"].lower()


# --- failures and fragments ----------------------------------------------------------


# The operations pages read only /openapi.json, which the API serves to anyone.
@pytest.mark.parametrize("url", [u for u in PAGES if "/login" not in u and "/operations" not in u])
def test_a_401_from_the_api_sends_the_operator_to_sign_in(
    client: TestClient, api: FakeApi, url: str
) -> None:
    api.refuse = True
    response = client.get(url)
    assert response.status_code == 303
    target = urlsplit(response.headers["location"])
    assert target.path == "/console/login"
    assert parse_qs(target.query)["next"] == [url]


def test_a_401_to_an_operation_sends_the_operator_to_sign_in(
    client: TestClient, api: FakeApi
) -> None:
    api.refuse = True
    url = f"/console/stations/{STATION}/operations/Reset"
    response = client.post(url, data={"type": "HARD", "confirm": "yes"})
    assert response.status_code == 303
    assert parse_qs(urlsplit(response.headers["location"]).query)["next"] == [url]


def test_a_read_is_a_get_form_whose_answer_has_a_url(client: TestClient, api: FakeApi) -> None:
    url = f"/console/stations/{STATION}/operations/GetConfiguration"
    page = check_page(client, client.get(url))
    assert [f.get("method") for f in page.forms if f.get("action") == url] == ["get"]
    answer = check_page(client, client.get(url, params={"keys": "HeartbeatInterval", "ask": "1"}))
    assert "HeartbeatInterval" in answer.words
    (call,) = api.calls("GET", f"/api/v1/charge-points/{STATION}/configuration")
    assert call.url.params.get_list("keys") == ["HeartbeatInterval"]


def test_a_401_to_an_htmx_request_redirects_the_page(client: TestClient, api: FakeApi) -> None:
    api.refuse = True
    response = client.get("/console/system", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == "/console/login?next=%2Fconsole%2Fsystem"


def test_after_signing_in_the_operator_comes_back_to_the_page_and_its_filters(
    client: TestClient, api: FakeApi
) -> None:
    api.refuse = True
    response = client.get("/console/?status=CHARGING&vendor=V")
    target = urlsplit(response.headers["location"])
    assert parse_qs(target.query)["next"] == ["/console/?status=CHARGING&vendor=V"]
    # A row's fragment refetched by htmx sends the operator back to the page it is on.
    response = client.get(
        f"/console/stations/{STATION}/row",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/console/?q=CP"},
    )
    target = urlsplit(response.headers["hx-redirect"])
    assert parse_qs(target.query)["next"] == ["/console/?q=CP"]
    login = client.get(response.headers["hx-redirect"])
    assert 'name="next" value="/console/?q=CP"' in login.text


@pytest.mark.parametrize(
    ("url", "marker"),
    [
        ("/console/", 'id="fleet-table"'),
        ("/console/fleet/summary", 'class="counts"'),
        (f"/console/stations/{STATION}", "Running sessions"),
        (f"/console/stations/{STATION}/state", "Running sessions"),
        (
            f"/console/stations/{STATION}/row",
            f'<th scope="row"><a href="/console/stations/{STATION}',
        ),
        (f"/console/stations/{STATION}/timeline", "CALLERROR"),
        ("/console/system", "The last hour"),
    ],
)
def test_an_htmx_request_gets_only_the_fragment(client: TestClient, url: str, marker: str) -> None:
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "<h1" not in response.text
    assert marker in response.text
    assert "HX-Request" in response.headers["vary"]


def test_a_form_posted_from_another_site_is_refused(client: TestClient, api: FakeApi) -> None:
    response = client.post(
        f"/console/stations/{STATION}/operations/Reset",
        data={"type": "HARD", "confirm": "yes"},
        headers={"Origin": "https://elsewhere.example"},
    )
    assert response.status_code == 403
    assert api.calls("POST", f"/api/v1/charge-points/{STATION}/reset") == []
