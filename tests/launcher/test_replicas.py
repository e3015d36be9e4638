"""``csms up --replicas 3 --database postgresql://... --redis redis://...``: the production
topology as processes on this machine, Envoy in front of the replicas, and a supervisor
that restarts what dies.

These tests do not depend on which replica holds a socket (routing between replicas is
tested with the edge cluster); they check what the launcher promises.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from launcher.probe import probe
from tests.support.system import System, production_system
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

REPLICAS = 3
BOOT = {"chargePointVendor": "E2E", "chargePointModel": "Replicas"}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    with production_system(tmp_path_factory.mktemp("replicas"), REPLICAS) as (running, _):
        yield running


async def _boot(system: System, charge_point: str) -> dict[str, Any]:
    """Connect through Envoy, send a BootNotification, return its answer's payload."""
    async with connect(f"{system.ocpp_url}/{charge_point}", subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps([2, "1", "BootNotification", BOOT]))
        reply = json.loads(await ws.recv())
    assert reply[0] == 3, reply
    payload: dict[str, Any] = reply[2]
    return payload


def test_every_replica_is_healthy_and_named(cluster: System) -> None:
    pids = cluster.pids()
    assert set(pids) == {
        "chargepoint",
        "transaction",
        "auth",
        "edge-1",
        "edge-2",
        "edge-3",
        "console",
        "envoy",
    }
    assert len(cluster.edge_grpc_addresses) == REPLICAS
    for address in cluster.edge_grpc_addresses:
        assert probe(address), f"edge replica at {address} is not SERVING"
    banner = cluster.log()
    assert f"Edge replicas        {REPLICAS} " in banner
    assert "Database             PostgreSQL postgresql+asyncpg://" in banner
    assert "Redis                redis://" in banner
    assert f"(key prefix {cluster.env['CSMS_REDIS_PREFIX']})" in banner
    # PostgreSQL holds every service's data: no SQLite file was made.
    assert not list(cluster.output.parent.glob("*.db"))


def test_a_charge_point_connects_through_envoy(cluster: System) -> None:
    answer = asyncio.run(_boot(cluster, "REPLICA-CP-1"))
    assert answer["status"] == "Accepted"
    station = httpx.get(f"{cluster.api}/charge-points/REPLICA-CP-1")
    assert station.status_code == 200, station.text
    assert station.json()["vendor"] == "E2E"

    services = httpx.get(f"{cluster.api_gateway}/services")
    assert services.status_code == 200, services.text
    listed = services.json()["services"]
    assert {s["component"] for s in listed} >= {"edge", "chargepoint", "transaction", "auth"}
    assert all(s["status"] == "SERVING" for s in listed), listed
    assert httpx.get(f"{cluster.gateway}/health").status_code == 200


def test_a_killed_service_is_restarted(cluster: System) -> None:
    killed = cluster.pid("transaction")
    os.kill(killed, signal.SIGKILL)
    restarted = eventually(
        lambda: (
            cluster.pids().get("transaction") not in (None, killed) and cluster.pid("transaction")
        ),
        what="the supervisor restarting transaction",
    )
    assert restarted != killed
    eventually(lambda: probe(cluster.grpc_address("transaction")), what="transaction SERVING again")
    log = cluster.log()
    assert f"transaction (pid {killed}) exited with status -9 (SIGKILL)" in log
    assert f"restarted transaction (pid {restarted})" in log


def test_envoy_routes_around_a_killed_edge_replica_until_it_is_back(cluster: System) -> None:
    killed = cluster.pid("edge-2")
    os.kill(killed, signal.SIGKILL)

    async def boot_several() -> list[str]:
        # Some of these reach Envoy while edge-2 is dead: Envoy retries them on another
        # replica (connect failure) or has already taken edge-2 out (health check).
        return [(await _boot(cluster, f"REPLICA-KILL-{i}"))["status"] for i in range(8)]

    assert asyncio.run(boot_several()) == ["Accepted"] * 8
    eventually(
        lambda: cluster.pids().get("edge-2") not in (None, killed),
        what="the supervisor restarting edge-2",
    )
    eventually(lambda: probe(cluster.edge_grpc_addresses[1]), what="edge-2 SERVING again")
    assert f"edge-2 (pid {killed}) exited with status -9 (SIGKILL)" in cluster.log()
