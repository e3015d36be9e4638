"""The console under ``CSMS_API_AUTH=jwt``, in headless Chromium against ``csms up``: it asks
for a token, shows a viewer no control that needs role operator, and an operator every one.

The API stays the one place that enforces roles (a viewer's POST is refused by Envoy, as
tests/e2e/test_api_auth.py shows); here the console must not offer what would be refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from selenium.common.exceptions import NoSuchElementException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from launcher.api_tokens import Role, create_token
from servicekit.settings import Settings
from tests.support.browser import by_label, by_role, screenshot
from tests.support.stations import staying_station
from tests.support.system import System, running_system

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

WITHIN = 30.0


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    data_dir = tmp_path_factory.mktemp("console-jwt")
    with (
        running_system(data_dir, CSMS_API_AUTH="jwt") as running,
        # A station to look at; the WebSocket needs no API token.
        staying_station(running, "GUARDED-1", "1.6"),
    ):
        yield running


def _token(system: System, role: Role) -> str:
    token, _ = create_token(
        Settings.from_env(system.env).security,
        role,
        subject=f"e2e-{role.value}",
        lifetime=dt.timedelta(hours=1),
        now=dt.datetime.now(dt.UTC),
    )
    return token


def _sign_in(browser: WebDriver, system: System, token: str, then: str) -> None:
    browser.delete_all_cookies()
    browser.get(f"{system.api_gateway}{then}")
    # No token yet: the console asks for one, and comes back here afterwards.
    WebDriverWait(browser, WITHIN).until(lambda d: "/console/login" in d.current_url)
    by_label(browser, "API token").send_keys(token)
    by_role(browser, "button", "Sign in").click()
    WebDriverWait(browser, WITHIN).until(
        lambda d: (
            d.current_url.endswith(then)
            and d.execute_script("return document.readyState") == "complete"
        )
    )


def _post_forms(browser: WebDriver) -> list[str]:
    return [
        str(form.get_attribute("action"))
        for form in browser.find_elements(By.CSS_SELECTOR, "form[method=post]")
        if "/logout" not in str(form.get_attribute("action"))
    ]


def test_a_viewer_sees_no_operator_controls(secured: System, browser: WebDriver) -> None:
    _sign_in(browser, secured, _token(secured, Role.VIEWER), "/console/stations/GUARDED-1")
    by_role(browser, "heading", "GUARDED-1")
    assert "viewer" in browser.find_element(By.CSS_SELECTOR, ".who").text
    with pytest.raises(NoSuchElementException):
        by_role(browser, "button", "Start session")
    assert _post_forms(browser) == []
    screenshot(browser, "station-viewer")

    browser.get(f"{secured.api_gateway}/console/stations/GUARDED-1/operations")
    by_role(browser, "heading", "GUARDED-1: operations")
    methods = {m.text for m in browser.find_elements(By.CSS_SELECTOR, ".ops .method")}
    assert methods == {"GET"}, methods  # only what a viewer may ask
    assert "may read only" in browser.find_element(By.CSS_SELECTOR, ".notice").text

    browser.get(f"{secured.api_gateway}/console/stations/GUARDED-1/operations/Reset")
    assert _post_forms(browser) == []
    assert "needs role operator" in browser.find_element(By.CSS_SELECTOR, ".notice").text

    for page in ("/console/id-tags", "/console/reservations", "/console/transactions"):
        browser.get(f"{secured.api_gateway}{page}")
        assert _post_forms(browser) == [], page


def test_an_operator_sees_the_controls(secured: System, browser: WebDriver) -> None:
    _sign_in(browser, secured, _token(secured, Role.OPERATOR), "/console/stations/GUARDED-1")
    by_role(browser, "heading", "GUARDED-1")
    assert "operator" in browser.find_element(By.CSS_SELECTOR, ".who").text
    by_role(browser, "button", "Start session")
    browser.get(f"{secured.api_gateway}/console/stations/GUARDED-1/operations")
    methods = {m.text for m in browser.find_elements(By.CSS_SELECTOR, ".ops .method")}
    assert {"GET", "POST"} <= methods, methods


def test_a_token_the_api_refuses_is_said_so_on_the_sign_in_page(
    secured: System, browser: WebDriver
) -> None:
    browser.delete_all_cookies()
    browser.get(f"{secured.api_gateway}/console/login")
    head, body, _signature = _token(secured, Role.OPERATOR).split(".")
    by_label(browser, "API token").send_keys(f"{head}.{body}.bm90LWEtc2lnbmF0dXJl")
    by_role(browser, "button", "Sign in").click()
    problem = WebDriverWait(browser, WITHIN, ignored_exceptions=(NoSuchElementException,)).until(
        lambda d: d.find_element(By.CSS_SELECTOR, ".problem").text
    )
    assert problem.startswith("The API refused this token"), problem
    assert "/console/login" in browser.current_url


def test_the_system_page_charts_with_the_consoles_own_token(
    secured: System, browser: WebDriver
) -> None:
    _sign_in(browser, secured, _token(secured, Role.VIEWER), "/console/system")
    by_role(browser, "heading", "System")
    # csms up gave the console a viewer token of its own: its samples are not refused.
    text = browser.find_element(By.TAG_NAME, "main").text
    assert "CSMS_CONSOLE_API_TOKEN" not in text, text
