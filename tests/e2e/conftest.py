"""The whole system for a module's tests, and the journeys that run on both topologies.

A module marked ``pytest.mark.topologies`` (the core journeys: a transaction in each OCPP
version, the operator's operations) runs each of its tests that takes ``system`` twice:
on the embedded topology a newcomer starts, and on the production one (three edge
replicas on PostgreSQL and Redis, where Envoy hands an operation to a replica that may
not hold the station's socket, and that replica forwards it). One system per module and
topology, since the production one takes longer to start.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.system import System, Topology, system_on

TOPOLOGIES = "topologies"  # the marker (pyproject.toml)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "system" in metafunc.fixturenames and metafunc.definition.get_closest_marker(TOPOLOGIES):
        metafunc.parametrize("system", list(Topology), indirect=True, scope="module", ids=str)


@pytest.fixture(scope="module")
def system(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[System]:
    """One whole system (services, edge, Envoy) for the tests of a module: embedded, unless
    the module runs on both topologies."""
    topology = Topology(getattr(request, "param", Topology.EMBEDDED))
    with system_on(topology, tmp_path_factory.mktemp(f"csms-{topology}")) as running:
        yield running
