"""The console's pages against a fake API (the fast layer): each page rendered through the
real application (``console.app.build`` with an ``httpx.MockTransport``, the ``client``
fixture), parsed and held to what every page promises (:mod:`tests.console.html_checks`);
under a viewer token no form posts to an operation; a 401 from the API leads to the sign-in
page and back; an htmx request gets only its fragment. The System page: test_system_page.py."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from console.access import COOKIE
from tests.console.fake_api import STATION, FakeApi, token
from tests.console.html_checks import check_page, check_statics, operation_forms, parse

pytestmark = pytest.mark.unit


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
    page = check_page(client.get(url))
    check_statics(client, page)


@pytest.mark.parametrize("url", PAGES)
def test_a_viewer_sees_no_form_that_posts_an_operation(client: TestClient, url: str) -> None:
    client.cookies.set(COOKIE, token("viewer"))
    page = check_page(client.get(url))
    assert operation_forms(page) == []
    if url != "/console/login":
        assert "viewer" in page.words


def test_an_operator_gets_the_forms(client: TestClient) -> None:
    client.cookies.set(COOKIE, token("operator"))
    page = check_page(client.get(f"/console/stations/{STATION}/operations/Reset"))
    assert operation_forms(page)


# --- the pages' content --------------------------------------------------------------


def test_the_fleet_lists_the_station_with_its_counts_and_a_next_page(client: TestClient) -> None:
    page = check_page(client.get("/console/"))
    assert STATION in page.words
    assert "Charging" in page.words
    assert "Next page" in page.words
    assert any("page=page-2" in u for u in page.urls)
    assert any(u.startswith("/api/v1/charge-points?") for u in page.urls)  # the JSON twin
    # A charging station's session is asked for once its row is shown, not with the page.
    activity = f"/console/stations/{STATION}/activity"
    assert f'hx-get="{activity}"' in client.get("/console/").text
    assert "7.0 kW" in client.get(activity).text


def test_the_station_page_shows_its_session_and_chart(client: TestClient) -> None:
    response = client.get(f"/console/stations/{STATION}")
    page = check_page(response)
    assert "Transaction 42 on EVSE 1" in page.words
    assert "data-chart=" in response.text


def test_the_timeline_marks_a_callerror_and_a_slow_answer(client: TestClient) -> None:
    response = client.get(f"/console/stations/{STATION}/timeline")
    page = check_page(response)
    assert "CALLERROR" in page.words
    assert "is-error" in response.text
    assert "slow answer: 2500 ms" in page.words
    assert page.words.count("slow answer") == 1  # the 100 ms answer is not
    assert "100 ms" in page.words
    assert "Older frames" in page.words


def test_the_operations_index_comes_from_the_openapi_document(client: TestClient) -> None:
    page = check_page(client.get(f"/console/stations/{STATION}/operations"))
    assert "Reset" in page.words
    assert "Trigger Message" in page.words
    assert "Get Configuration" in page.words


def test_an_operation_form_has_the_documented_fields(client: TestClient) -> None:
    response = client.get(f"/console/stations/{STATION}/operations/Reset")
    page = check_page(response)
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


def test_a_static_url_without_its_hash_is_not_cached_for_good(client: TestClient) -> None:
    answer = client.get("/console/static/console.js")
    assert answer.status_code == 200
    assert "immutable" not in answer.headers["cache-control"]


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
    page = check_page(client.get(url))
    assert [f.get("method") for f in page.forms if f.get("action") == url] == ["get"]
    answer = check_page(client.get(url, params={"keys": "HeartbeatInterval", "ask": "1"}))
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
