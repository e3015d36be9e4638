"""Fixtures for the console's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium.webdriver.remote.webdriver import WebDriver
from starlette.testclient import TestClient

from console.app import build
from servicekit.settings import Settings
from tests.console.fake_api import FakeApi
from tests.support.browser import headless_chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    """One headless Chromium for the module's tests (``tests.support.browser``): Debian's
    chromium and chromedriver, a 1280x900 viewport; skipped where they are missing, failed
    where skips are forbidden."""
    with headless_chromium() as driver:
        yield driver


@pytest.fixture
def api() -> FakeApi:
    """The fake REST API the ``client`` fixture's console calls."""
    return FakeApi()


@pytest.fixture
def client(api: FakeApi, tmp_path: Path) -> Iterator[TestClient]:
    """The console built as ``csms up`` builds it, calling ``api``, its lifespan running
    (so its sampler samples); redirects are not followed."""
    settings = Settings.from_env({"CSMS_DATA_DIR": str(tmp_path)})
    app = build(settings.console, transport=httpx.MockTransport(api))
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client
