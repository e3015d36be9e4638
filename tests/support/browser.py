"""A headless Chromium for the console's browser tests: Debian's ``chromium`` driven through
Debian's ``chromedriver`` by Selenium. Nothing is downloaded: with the driver's path given,
Selenium never starts its Selenium Manager, and where a binary is missing the test is
skipped, or failed where skips are forbidden (``tests.support.unavailable``), with the
``apt-get`` line that installs it (``.ci/run`` runs it).

``CSMS_TEST_CHROMIUM`` and ``CSMS_TEST_CHROMEDRIVER`` point at other binaries (the two must be
the same major version). ``screenshot`` saves a PNG into ``CSMS_CONSOLE_SCREENSHOTS`` when it
is set (``make screenshots``, which makes the README's pictures) and does nothing otherwise.

Tests find elements as an operator does, by ARIA role and accessible name (``by_role``) or by
a form control's label (``by_label``), as Chromium's accessibility tree computes them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

from tests.support.unavailable import unavailable

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WIDTH, HEIGHT = 1280, 900
INSTALL = "apt-get install chromium chromium-driver"
SCREENSHOTS = "CSMS_CONSOLE_SCREENSHOTS"
SCREENSHOT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# Where each role is implied by the element itself (HTML-AAM), so ``by_role`` asks Chromium
# only about the candidates instead of every element of the page.
IMPLICIT_ROLES = {
    "button": "button, input[type=button], input[type=submit], input[type=reset]",
    "link": "a[href]",
    "heading": "h1, h2, h3, h4, h5, h6",
    "textbox": "input:not([type]), input[type=text], input[type=email], textarea",
    "searchbox": "input[type=search]",
    "checkbox": "input[type=checkbox]",
    "radio": "input[type=radio]",
    "combobox": "select",
    "table": "table",
    "row": "tr",
    "cell": "td",
    "columnheader": "th",
    "navigation": "nav",
    "main": "main",
    "status": "output",
    "dialog": "dialog",
}
FORM_CONTROLS = "input, select, textarea, button"


@dataclass(frozen=True)
class Binaries:
    """The browser and the driver that speaks WebDriver to it."""

    chromium: Path
    chromedriver: Path

    @classmethod
    def from_environment(cls) -> Binaries:
        return cls(
            chromium=Path(os.environ.get("CSMS_TEST_CHROMIUM", CHROMIUM)),
            chromedriver=Path(os.environ.get("CSMS_TEST_CHROMEDRIVER", CHROMEDRIVER)),
        )

    def missing(self) -> list[Path]:
        return [
            path
            for path in (self.chromium, self.chromedriver)
            if not (path.is_file() and os.access(path, os.X_OK))
        ]


def chromium_options(binary: Path) -> Options:
    """Headless Chromium that runs as root in a container: no sandbox (it needs user
    namespaces a container seldom grants), no /dev/shm (often 64 MB there), no GPU; a fixed
    window and scale so that screenshots are the same on every machine (``headless_chromium``
    then fits the viewport itself to WIDTHxHEIGHT)."""
    options = Options()
    options.binary_location = str(binary)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={WIDTH},{HEIGHT}",
        "--force-device-scale-factor=1",
    ):
        options.add_argument(argument)
    return options


@contextmanager
def headless_chromium() -> Iterator[WebDriver]:
    """A started headless Chromium with a WIDTHxHEIGHT viewport, quit on leaving (skipped, or
    failed where skips are forbidden, if it is missing)."""
    binaries = Binaries.from_environment()
    missing = binaries.missing()
    if missing:
        unavailable(
            f"the browser tests need Chromium and its driver; not found: "
            f"{', '.join(map(str, missing))} ({INSTALL})",
            "or point CSMS_TEST_CHROMIUM and CSMS_TEST_CHROMEDRIVER at them; .ci/run installs them",
        )
    driver = webdriver.Chrome(
        options=chromium_options(binaries.chromium),
        service=Service(executable_path=str(binaries.chromedriver)),
    )
    try:
        _fit_viewport(driver)
        yield driver
    finally:
        driver.quit()


def _fit_viewport(driver: WebDriver) -> None:
    """Make the page's viewport, which screenshots show, WIDTHxHEIGHT: headless Chromium's
    window keeps room for a toolbar it does not draw (143 px on Chromium 156)."""
    inner_width, inner_height = driver.execute_script(
        "return [window.innerWidth, window.innerHeight]"
    )
    outer = driver.get_window_size()
    driver.set_window_size(
        WIDTH + outer["width"] - inner_width, HEIGHT + outer["height"] - inner_height
    )


def screenshot(driver: WebDriver, name: str) -> Path | None:
    """Save the viewport as ``<name>.png`` in ``$CSMS_CONSOLE_SCREENSHOTS``; without it, do
    nothing and return None."""
    if SCREENSHOT_NAME.fullmatch(name) is None:
        raise ValueError(f"a screenshot's name is a plain file name without .png: {name!r}")
    directory = os.environ.get(SCREENSHOTS)
    if not directory:
        return None
    path = Path(directory) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not driver.save_screenshot(str(path)):
        raise OSError(f"Chromium did not save the screenshot {path}")
    return path


def by_role(driver: WebDriver, role: str, name: str) -> WebElement:
    """The one element with ARIA ``role`` and accessible name ``name`` (Selenium's
    ``NoSuchElementException`` if there is none, so ``WebDriverWait`` can wait for it)."""
    candidates = f"[role={role}]"
    if role in IMPLICIT_ROLES:
        candidates += f", {IMPLICIT_ROLES[role]}"
    return _the_one(
        [
            element
            for element in driver.find_elements(By.CSS_SELECTOR, candidates)
            if element.aria_role == role and element.accessible_name == name
        ],
        f"role {role!r} named {name!r}",
    )


def by_label(driver: WebDriver, label: str) -> WebElement:
    """The one form control whose accessible name (its ``<label>``, ``aria-label``, ...) is
    ``label``."""
    return _the_one(
        [
            element
            for element in driver.find_elements(By.CSS_SELECTOR, FORM_CONTROLS)
            if element.accessible_name == label
        ],
        f"a control labelled {label!r}",
    )


def _the_one(found: list[WebElement], wanted: str) -> WebElement:
    # Selenium's own "not found", so that a WebDriverWait retries until the element comes.
    if not found:
        raise NoSuchElementException(f"no element with {wanted} on the page")
    if len(found) > 1:
        raise LookupError(f"{len(found)} elements with {wanted} on the page (expected one)")
    return found[0]
