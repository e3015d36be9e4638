"""The operator's journeys through the real console: ``csms up`` (Envoy, the services, the
edge and the console) with ``csms-sim`` stations, driven in headless Chromium.

Each test is one journey an operator makes, found by roles and labels as a person (or a
screen reader) finds them; waits are bounded so a broken system fails, never timed.
``make screenshots`` runs these with ``CSMS_CONSOLE_SCREENSHOTS=docs/screenshots`` and the
README shows what they save.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from tests.support.browser import by_label, by_role, screenshot
from tests.support.stations import staying_station
from tests.support.system import System, Topology, system_on

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

# Bounds for a broken system, not speed requirements.
WITHIN = 30.0


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    with system_on(Topology.EMBEDDED, tmp_path_factory.mktemp("console")) as running:
        yield running


def _id_tag(system: System, id_tag: str) -> str:
    """A new Accepted id tag: each journey charges with its own, so a session one left
    running does not make the next one's ConcurrentTx."""
    reply = httpx.post(f"{system.api_gateway}/api/v1/id-tags", json={"idTag": id_tag}, timeout=10)
    assert reply.status_code == 200, reply.text
    return id_tag


def _wait(driver: WebDriver, what: str, check: Callable[[WebDriver], Any]) -> Any:
    return WebDriverWait(
        driver,
        WITHIN,
        poll_frequency=0.1,
        # Fragments are swapped in as the live stream says: an element may go stale between
        # finding it and reading it; the next poll finds the new one.
        ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
    ).until(check, message=what)


def _row_text(driver: WebDriver, station: str) -> str:
    """The text of ``station``'s row on the fleet page ("" when it has none), read in one
    go: rows are swapped as the stream says they changed."""
    return str(
        driver.execute_script(
            "for (const row of document.querySelectorAll('#fleet-table tbody tr')) {"
            "  const head = row.querySelector('th');"
            "  if (head && head.textContent.trim() === arguments[0]) return row.innerText;"
            "}"
            "return '';",
            station,
        )
    )


@contextmanager
def _station_starting(system: System, charge_point_id: str, *args: str) -> Iterator[None]:
    """``csms-sim`` started now, not awaited: the test watches its opening session."""
    log = system.output.parent / f"sim-{charge_point_id}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "simulator.cli",
                charge_point_id,
                *args[:1],
                system.ocpp_url,
                "--stay",
                *args[1:],
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        yield
    finally:
        process.terminate()
        process.wait(10)


def test_the_fleet_shows_a_station_connecting_and_its_evse_charging_live(
    system: System, browser: WebDriver
) -> None:
    browser.get(f"{system.api_gateway}/")
    assert browser.current_url.endswith("/console/")
    by_role(browser, "heading", "Stations")
    _wait(browser, "the live stream to open", _live)
    assert _row_text(browser, "LIVE-1") == ""
    seen: list[str] = []

    def charging(driver: WebDriver) -> bool:
        text = _row_text(driver, "LIVE-1")
        if text and (not seen or seen[-1] != text):
            seen.append(text)
        return "Charging" in text

    # Its opening session charges for about twelve seconds (eight meter values).
    tag = _id_tag(system, "FLEET-TAG")
    with _station_starting(
        system, "LIVE-1", "2.0.1", "--meter-values", "8", "--interval", "1.5", "--id-tag", tag
    ):
        # Seen without reloading the page, which was loaded before the station existed.
        _wait(browser, "LIVE-1's EVSE to be Charging on the fleet page", charging)
        screenshot(browser, "fleet")
        assert "Connected" in seen[-1], seen
        _wait(
            browser,
            "the connection in the recent changes",
            lambda d: "LIVE-1 connected" in " ".join(d.find_element(By.ID, "recent").text.split()),
        )


def _live(driver: WebDriver) -> bool:
    return bool(driver.find_element(By.ID, "live-status").text == "live")


def test_an_operator_starts_and_stops_a_session_from_the_station_page(
    system: System, browser: WebDriver
) -> None:
    tag = _id_tag(system, "DRIVE-TAG")
    with staying_station(system, "DRIVE-1", "2.0.1", "--id-tag", tag):
        browser.get(f"{system.api_gateway}/console/stations/DRIVE-1")
        by_role(browser, "heading", "DRIVE-1")
        _wait(browser, "the live stream to open", _live)
        by_label(browser, "Id token").clear()
        by_label(browser, "Id token").send_keys(tag)
        by_role(browser, "button", "Start session").click()
        answer = _wait(
            browser,
            "the station's answer to the start",
            lambda d: (
                "Request Start Transaction" in d.find_element(By.ID, "quick-answer").text
                and d.find_element(By.ID, "quick-answer").text
            ),
        )
        assert "ACCEPTED" in str(answer), answer
        # The session appears as the station reports it, with its chart.
        _wait(
            browser,
            "the running session on the station page",
            lambda d: d.find_elements(By.CSS_SELECTOR, "#station-state article.session"),
        )
        _wait(
            browser,
            "a meter value plotted",
            lambda d: d.find_elements(By.CSS_SELECTOR, "#station-state figure.chart .uplot"),
        )
        screenshot(browser, "station")
        stop = _wait(
            browser,
            "a stop button",
            lambda d: [
                b
                for b in d.find_elements(By.CSS_SELECTOR, "button.danger")
                if b.text.startswith("Stop transaction")
            ],
        )
        stop[0].click()
        browser.switch_to.alert.accept()  # the confirmation a disruptive operation asks for
        answer = _wait(
            browser,
            "the station's answer to the stop",
            lambda d: (
                "Request Stop Transaction" in d.find_element(By.ID, "quick-answer").text
                and d.find_element(By.ID, "quick-answer").text
            ),
        )
        assert "ACCEPTED" in str(answer), answer
        _wait(
            browser,
            "the session to end on the page",
            lambda d: "No session is running." in d.find_element(By.ID, "station-state").text,
        )
    transactions = httpx.get(
        f"{system.api_gateway}/api/v1/transactions", params={"chargePointId": "DRIVE-1"}, timeout=10
    ).json()["transactions"]
    assert [t["status"] for t in transactions][:1] == ["COMPLETED"]


def test_the_timeline_shows_the_frames_with_their_json(system: System, browser: WebDriver) -> None:
    with staying_station(system, "TRACE-1", "1.6", "--id-tag", _id_tag(system, "TRACE-TAG")):
        browser.get(f"{system.api_gateway}/console/stations/TRACE-1/timeline")
        by_role(browser, "heading", "TRACE-1: message timeline")
        frames = browser.find_elements(By.CSS_SELECTOR, "ol.timeline > li")
        actions = [f.find_element(By.CSS_SELECTOR, ".action").text for f in frames]
        assert "BootNotification" in actions and "StatusNotification" in actions, actions
        boot = frames[len(actions) - 1 - actions[::-1].index("BootNotification")]
        boot.find_element(By.CSS_SELECTOR, "summary").click()
        assert '"chargePointVendor"' in boot.find_element(By.CSS_SELECTOR, "pre").text
        screenshot(browser, "timeline")
        # Filtered by action, through the form.
        by_label(browser, "Action").send_keys("Heartbeat")
        by_role(browser, "button", "Filter").click()
        _wait(
            browser,
            "the filtered timeline",
            lambda d: (
                "action=Heartbeat" in d.current_url
                and d.execute_script("return document.readyState") == "complete"
            ),
        )
        shown = {e.text for e in browser.find_elements(By.CSS_SELECTOR, "ol.timeline .action")}
        assert shown <= {"Heartbeat"}, shown


def test_every_page_reads_without_errors(
    system: System, browser: WebDriver, tmp_path: Path
) -> None:
    with staying_station(system, "READ-1", "2.0.1", "--id-tag", _id_tag(system, "READ-TAG")):
        for path, heading in (
            ("/console/", "Stations"),
            ("/console/stations/READ-1", "READ-1"),
            ("/console/stations/READ-1/configuration", "READ-1: device model"),
            ("/console/stations/READ-1/operations", "READ-1: operations"),
            ("/console/stations/READ-1/operations/Reset", "Reset"),
            ("/console/stations/READ-1/security", "READ-1: security"),
        ):
            browser.get(f"{system.api_gateway}{path}")
            by_role(browser, "heading", heading)
            problems = browser.find_elements(By.CSS_SELECTOR, ".problem")
            assert not problems, (path, [p.text for p in problems])
            severe = [
                entry
                for entry in browser.get_log("browser")  # type: ignore[attr-defined]
                if entry["level"] == "SEVERE"
            ]
            assert not severe, (path, severe)
