from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.system import System, running_system


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """One whole system (services, edge, Envoy) for the tests of a module."""
    with running_system(tmp_path_factory.mktemp("csms")) as running:
        yield running
