"""Envoy's clusters: the components it forwards to, and how it balances over, checks and
retries the edge replicas.

Every cluster is STRICT_DNS: each address is looked up (and looked up again every few
seconds), so one compose service name that resolves to every replica becomes one host per
replica, as a list of addresses does. The edge's clusters are health checked every second
(gRPC health for EdgeService, a TCP connect for the WebSocket port), and the routes to them
retry on another replica what could not reach the one first chosen.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

EDGE_WS = "edge_ws"
EDGE_GRPC = "edge_grpc"
_HTTP_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"

# Edge replicas are health checked often, so a replica that died stops getting new charge
# points within about two seconds; with no traffic Envoy would otherwise check once a minute.
HEALTH_CHECK_INTERVAL = "1s"
HEALTH_CHECK_TIMEOUT = "1s"
UNHEALTHY_THRESHOLD = 2
# Retries of a request whose connection to a replica failed, each on another replica.
EDGE_RETRIES = 3
_PREVIOUS_HOSTS = (
    "type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate"
)


class HealthCheck(enum.Enum):
    """How Envoy checks an upstream's hosts itself (none: it relies on failed connections)."""

    NONE = "none"
    TCP = "tcp"  # the port accepts connections (the edge's WebSocket server)
    GRPC = "grpc"  # grpc.health.v1 says SERVING


@dataclass(frozen=True)
class Upstream:
    """A component Envoy forwards to: a cluster name and its ``host:port`` addresses.

    Each address is resolved as DNS (STRICT_DNS), so one compose service name that
    resolves to every replica becomes one host per replica, as a list of addresses does.
    """

    cluster: str
    addresses: Sequence[str]
    http2: bool
    health_check: HealthCheck = HealthCheck.NONE
    # LEAST_REQUEST for long-lived WebSockets: each open socket is one active request, so
    # new charge points go to the replica that holds the fewest.
    lb_policy: str = "ROUND_ROBIN"


def _address(address: str) -> dict[str, Any]:
    host, _, port = address.rpartition(":")
    return {"socket_address": {"address": host.strip("[]"), "port_value": int(port)}}


def _health_checks(kind: HealthCheck) -> list[dict[str, Any]]:
    if kind is HealthCheck.NONE:
        return []
    check: dict[str, Any] = {
        "timeout": HEALTH_CHECK_TIMEOUT,
        "interval": HEALTH_CHECK_INTERVAL,
        "no_traffic_interval": HEALTH_CHECK_INTERVAL,
        "unhealthy_threshold": UNHEALTHY_THRESHOLD,
        "healthy_threshold": 1,
    }
    if kind is HealthCheck.GRPC:
        check["grpc_health_check"] = {}
    else:
        # Connect and close: the edge's WebSocket server drops a connection that sends
        # nothing without logging or counting a refused handshake.
        check["tcp_health_check"] = {}
    return [check]


UPSTREAM_LIMIT = 60_000
"""Connections, pending and active requests Envoy allows towards one cluster: as many as
it accepts from clients (``launcher.envoy_config.MAX_DOWNSTREAM_CONNECTIONS``)."""


def cluster_config(upstream: Upstream) -> dict[str, Any]:
    cluster: dict[str, Any] = {
        "name": upstream.cluster,
        "type": "STRICT_DNS",
        "dns_lookup_family": "V4_PREFERRED",
        "connect_timeout": "2s",
        "lb_policy": upstream.lb_policy,
        "load_assignment": {
            "cluster_name": upstream.cluster,
            "endpoints": [
                {
                    "lb_endpoints": [
                        {"endpoint": {"address": _address(address)}}
                        for address in upstream.addresses
                    ]
                }
            ],
        },
    }
    # Envoy's default circuit breakers allow 1,024 connections and requests per cluster:
    # the 1,025th charge point's upgrade would be refused with 503 (benchmark S4 at 2,000
    # found it). Each station holds one upstream connection and one request for good.
    limit = {"max_connections": UPSTREAM_LIMIT, "max_pending_requests": UPSTREAM_LIMIT}
    cluster["circuit_breakers"] = {
        "thresholds": [{"priority": "DEFAULT", **limit, "max_requests": UPSTREAM_LIMIT}]
    }
    checks = _health_checks(upstream.health_check)
    if checks:
        cluster["health_checks"] = checks
        # Route only to healthy replicas while any is healthy (Envoy's default, 50%, would
        # spread traffic over dead replicas as soon as half of them failed).
        cluster["common_lb_config"] = {"healthy_panic_threshold": {"value": 1.0}}
    if upstream.http2:
        cluster["typed_extension_protocol_options"] = {
            _HTTP_OPTIONS: {
                "@type": f"type.googleapis.com/{_HTTP_OPTIONS}",
                "explicit_http_config": {"http2_protocol_options": {}},
            }
        }
    return cluster


def edge_retry_policy(retry_on: str) -> dict[str, Any]:
    """Retry what never reached a replica on another one (a replica that just died)."""
    return {
        "retry_on": retry_on,
        "num_retries": EDGE_RETRIES,
        "retry_host_predicate": [
            {
                "name": "envoy.retry_host_predicates.previous_hosts",
                "typed_config": {"@type": _PREVIOUS_HOSTS},
            }
        ],
        "host_selection_retry_max_attempts": 5,
    }


# A WebSocket upgrade that failed to connect, or was reset before any answer, did nothing
# yet and may go to another replica. A gRPC call is retried only when it cannot have
# reached the edge (connect failure, stream refused): an operation the edge received may
# have gone to the charge point already.
WEBSOCKET_RETRY_ON = "connect-failure,reset"
GRPC_RETRY_ON = "connect-failure,refused-stream"
