"""What Envoy, the CSMS's public face, does not wait for or accept: slow or silent clients
and oversized REST bodies.

The edge drops a WebSocket handshake that takes longer than ``CSMS_HANDSHAKE_TIMEOUT``,
but only Envoy's upstream connection ever reaches it: Envoy forwards a request once its
headers are complete, and by default waits for them (and for a first byte) for an hour.
So every listener gets the same bound:

- ``request_headers_timeout``: the request headers must be complete this long after their
  first byte (a slowloris dribbling its headers is answered 408 and closed);
- ``common_http_protocol_options.idle_timeout``: a connection with no request in flight is
  closed after it (a socket that never sends a byte; an idle keep-alive REST connection).
  An upgraded WebSocket is a request in flight for as long as it lives, so it never counts
  as idle (its liveness is the edge's pings, ``CSMS_PING_INTERVAL``);
- ``transport_socket_connect_timeout`` on a TLS filter chain: the TLS handshake too.

And a REST request body may hold at most :data:`MAX_REST_BODY_BYTES` (larger: 413
Payload Too Large, from Envoy's buffer filter). The transcoder streams bodies and would
pass any size on; the services refuse a gRPC message over 4 MiB, but as 429 "received
message larger than max", which tells a client nothing it can act on. The OCPP WebSocket
route is exempt: after the upgrade its frames flow through the same filters as a body
that never ends, and the edge bounds them itself (``CSMS_MAX_MESSAGE_BYTES``, 1009).
"""

from __future__ import annotations

import copy
from typing import Any

from launcher.envoy_clusters import EDGE_WS
from servicekit.security_settings import SecuritySettings

# The largest REST request body Envoy transcodes. The largest legitimate body is a local
# list of a few thousand id tags (OCPP's own lists hold hundreds): about 100 bytes each.
MAX_REST_BODY_BYTES = 1 << 20

_HCM = "envoy.filters.network.http_connection_manager"
_TRANSCODER = "envoy.filters.http.grpc_json_transcoder"
_BUFFER = "envoy.filters.http.buffer"
_BUFFER_TYPE = "type.googleapis.com/envoy.extensions.filters.http.buffer.v3.Buffer"
_BUFFER_PER_ROUTE = "type.googleapis.com/envoy.extensions.filters.http.buffer.v3.BufferPerRoute"


def with_limits(
    listeners: list[dict[str, Any]], security: SecuritySettings
) -> list[dict[str, Any]]:
    """``listeners`` with the timeouts and body limit above on every connection manager."""
    timeout = f"{security.handshake_timeout:g}s"
    limited = copy.deepcopy(listeners)
    for listener in limited:
        for chain in listener.get("filter_chains", []):
            if "transport_socket" in chain:
                chain["transport_socket_connect_timeout"] = timeout
            for network_filter in chain.get("filters", []):
                if network_filter.get("name") == _HCM:
                    _limit_manager(network_filter["typed_config"], timeout)
    return limited


def _limit_manager(manager: dict[str, Any], timeout: str) -> None:
    manager["request_headers_timeout"] = timeout
    manager.setdefault("common_http_protocol_options", {})["idle_timeout"] = timeout
    buffer = {
        "name": _BUFFER,
        "typed_config": {"@type": _BUFFER_TYPE, "max_request_bytes": MAX_REST_BODY_BYTES},
    }
    # First, so no later filter (authentication, transcoding) sees an oversized body.
    manager["http_filters"] = [buffer, *manager.get("http_filters", [])]
    if not manager.get("upgrade_configs"):
        return
    for host in manager["route_config"]["virtual_hosts"]:
        for route in host["routes"]:
            if route.get("route", {}).get("cluster") == EDGE_WS:
                configs = route.setdefault("typed_per_filter_config", {})
                configs[_BUFFER] = {"@type": _BUFFER_PER_ROUTE, "disabled": True}
