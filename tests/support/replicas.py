"""The edge replicas of a running system as a test sees them: which one holds a station's
socket, and how many EdgeService calls each one served.

With several replicas Envoy hands an operator's call to any of them, and one that does
not hold the station's socket forwards the call to the one that does
(``edge.cluster.forwarding``): the call is then served twice, once by each. Counting the
calls each replica served (its ``csms_grpc_server_handling_seconds`` histogram on /metrics)
shows that forwarding happened.
"""

from __future__ import annotations

from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.support.system import System

EDGE_SERVICE = "csms.edge.v1.EdgeService"
SERVED = "csms_grpc_server_handling_seconds"


def connections(system: System) -> list[dict[str, Any]]:
    """GET /connections through Envoy: every replica's connected stations."""
    reply = httpx.get(f"{system.gateway}/connections", timeout=10)
    assert reply.status_code == 200, reply.text
    found: list[dict[str, Any]] = reply.json().get("connections", [])
    return found


def replica_holding(system: System, charge_point: str) -> str | None:
    """The name (``edge-2``) of the replica holding ``charge_point``'s socket; None while
    it is not connected. A single edge without Redis names no replica: it is ``edge-1``."""
    for connection in connections(system):
        if connection["chargePointId"] != charge_point:
            continue
        address = connection.get("replicaAddress", "")
        if not address:
            return "edge-1"
        ports = [int(a.rpartition(":")[2]) for a in system.edge_grpc_addresses]
        return f"edge-{ports.index(int(address.rpartition(':')[2])) + 1}"
    return None


def calls_served(system: System, method: str) -> dict[str, int]:
    """How many EdgeService ``method`` calls each edge replica answered with OK, by name."""
    served = {}
    for name, url in system.metrics_urls().items():
        if not name.startswith("edge-"):
            continue
        reply = httpx.get(url, timeout=10)
        assert reply.status_code == 200, reply.text
        served[name] = sum(
            int(sample.value)
            for family in text_string_to_metric_families(reply.text)
            if family.name == SERVED
            for sample in family.samples
            if sample.name == f"{SERVED}_count"
            and sample.labels == {"service": EDGE_SERVICE, "method": method, "code": "OK"}
        )
    return served
