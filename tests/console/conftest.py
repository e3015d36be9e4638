"""Fixtures for the console's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium.webdriver.remote.webdriver import WebDriver

from tests.support.browser import headless_chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    """One headless Chromium for the module's tests (``tests.support.browser``): Debian's
    chromium and chromedriver, a 1280x900 viewport; skipped where they are missing, failed
    where skips are forbidden."""
    with headless_chromium() as driver:
        yield driver
