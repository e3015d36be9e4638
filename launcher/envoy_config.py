"""Envoy's configuration, built from the settings and the API's own descriptors.

Three public listeners (docs/design.md §3): the OCPP port (WebSocket to the edge, plus the
OCPP gateway REST API), the charge point service REST API, and the API gateway; and the OCPP
port again over TLS (:mod:`launcher.envoy_tls`).
REST is transcoded to gRPC by ``grpc_json_transcoder`` from ``csms/descriptors.pb``; each
listener serves its OpenAPI document (generated next to the descriptor set by
:mod:`launcher.openapi`) at ``GET /openapi.json``.

The API gateway serves exactly ``/api/v1/...`` and ``GET /services`` (docs/design.md §3-4). Its
transcoder knows all four services, whose short bindings (``/health``, ``/charge-points``,
``/connections``) belong to ports 4000 and 4001; two services even bind ``GET /health``,
which Envoy's path matcher then resolves to no method at all. So the gateway answers every
path outside its surface itself, with a JSON 404 that names the right place, before the
transcoder sees it: nothing there is left to the order in which bindings were registered.

Routes are derived from the ``google.api.http`` annotations: a listener routes exactly the
methods that have a REST binding, so internal RPCs (``RecordBoot`` and friends, which only
the edge may call) are not reachable through Envoy, not even with a native gRPC request.

The edge may run as several replicas (``csms up --replicas N``, or compose's ``edge``
service scaled); :mod:`launcher.envoy_clusters` says how Envoy balances over them, checks
them and retries on another. Which replica holds a charge point's socket does not matter
to a REST call: the replicas forward operations among themselves (Redis says where).
"""

from __future__ import annotations

import os.path
from collections.abc import Iterable, Sequence
from typing import Any

from google.api import annotations_pb2
from google.protobuf.descriptor import ServiceDescriptor

from edge.session import RESPONSE_TIMEOUT
from launcher import envoy_console
from launcher.envoy_auth import protected
from launcher.envoy_clusters import (
    EDGE_GRPC,
    EDGE_WS,
    GRPC_RETRY_ON,
    WEBSOCKET_RETRY_ON,
    HealthCheck,
    Upstream,
    cluster_config,
    edge_retry_policy,
)
from launcher.envoy_errors import with_json_errors
from launcher.envoy_limits import with_limits
from launcher.envoy_tls import with_tls
from servicekit.settings import Settings

_TRANSCODER = (
    "type.googleapis.com/envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder"
)
_HCM = (
    "type.googleapis.com/"
    "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
)
_ROUTER = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"
_FILTER_CONFIG = "type.googleapis.com/envoy.config.route.v3.FilterConfig"
_TRANSCODER_NAME = "envoy.filters.http.grpc_json_transcoder"
_CONNECTION_LIMIT = (
    "type.googleapis.com/"
    "envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig"
)

# Open connections Envoy accepts across all listeners: far above one edge's charge points
# (tens of thousands), low enough that a flood of half-open connections cannot exhaust
# the process's file descriptors.
MAX_DOWNSTREAM_CONNECTIONS = 60_000

# Envoy refuses direct response bodies over 4 KiB unless the route configuration allows
# more; the OpenAPI documents are tens of kilobytes.
MAX_DIRECT_RESPONSE_BYTES = 4 * 1024 * 1024

# Document file (next to the descriptor set) per listener; see launcher.openapi.SURFACES.
OPENAPI_FILES = {
    "ocpp": "openapi-ocpp.json",
    "chargepoint_api": "openapi-chargepoint.json",
    "api_gateway": "openapi.json",
}
OPENAPI_PATH = "/openapi.json"
GATEWAY_PREFIX = "/api/v1/"

# Envoy's timeout of a REST route is a margin above the longest a component itself waits:
# the edge's wait for a station's answer (RESPONSE_TIMEOUT; the services bound theirs by
# CSMS_GRPC_TIMEOUT, shorter). The component's deadline then always fires first and its
# 504 says what did not answer, in JSON with the action and the wait; Envoy's own 504 is
# left for a component that hangs past its own deadline.
ROUTE_TIMEOUT_MARGIN = 5.0
ROUTE_TIMEOUT = RESPONSE_TIMEOUT + ROUTE_TIMEOUT_MARGIN


def services() -> dict[str, tuple[ServiceDescriptor, str]]:
    """The API's gRPC services by short name, with the cluster that serves each."""
    from csms.auth.v1 import auth_pb2
    from csms.chargepoint.v1 import chargepoint_pb2
    from csms.edge.v1 import edge_pb2
    from csms.transaction.v1 import transaction_pb2

    return {
        "edge": (edge_pb2.DESCRIPTOR.services_by_name["EdgeService"], EDGE_GRPC),
        "chargepoint": (
            chargepoint_pb2.DESCRIPTOR.services_by_name["ChargePointService"],
            "chargepoint",
        ),
        "transaction": (
            transaction_pb2.DESCRIPTOR.services_by_name["TransactionService"],
            "transaction",
        ),
        "auth": (auth_pb2.DESCRIPTOR.services_by_name["AuthService"], "auth"),
    }


def rest_methods(service: ServiceDescriptor) -> list[str]:
    """Full gRPC paths of the methods of ``service`` that carry a REST binding."""
    return [
        f"/{service.full_name}/{method.name}"
        for method in service.methods
        if method.GetOptions().HasExtension(annotations_pb2.http)
    ]


def streaming_methods(service: ServiceDescriptor) -> set[str]:
    """Full gRPC paths of the server-streaming methods of ``service``."""
    return {
        f"/{service.full_name}/{method.name}"
        for method in service.methods
        if method.server_streaming
    }


def _transcoder(descriptor: str, names: Sequence[str], *, strict_paths: bool) -> dict[str, Any]:
    return {
        "name": _TRANSCODER_NAME,
        "typed_config": {
            "@type": _TRANSCODER,
            "proto_descriptor": descriptor,
            "services": list(names),
            "print_options": {
                "always_print_primitive_fields": True,
                "always_print_enums_as_ints": False,
                "preserve_proto_field_names": False,
                # A server-streaming method (WatchEvents) answers one JSON object per line
                # as each message arrives, which a client reads line by line, rather than
                # one JSON array that only parses once the stream ends.
                "stream_newline_delimited": True,
            },
            # Errors come back as JSON {"code", "message"} with the HTTP status of the gRPC code.
            "convert_grpc_status": True,
            "case_insensitive_enum_parsing": True,
            "request_validation_options": {
                # On the OCPP port, non-REST paths (the WebSocket) must pass through.
                "reject_unknown_method": strict_paths,
                "reject_unknown_query_parameters": True,
                "reject_binding_body_field_collisions": True,
            },
        },
    }


def _method_routes(chosen: Iterable[str]) -> list[dict[str, Any]]:
    table = services()
    routes = []
    for name in chosen:
        service, cluster = table[name]
        streaming = streaming_methods(service)
        for path in rest_methods(service):
            route: dict[str, Any] = {"cluster": cluster, "timeout": f"{ROUTE_TIMEOUT:g}s"}
            if path in streaming:
                # A stream of live events lasts as long as its client watches: no timeout,
                # and no retry (Envoy would have to buffer it). Its KEEPALIVEs, every
                # KEEPALIVE_INTERVAL, stay far inside the stream idle timeout.
                route["timeout"] = "0s"
            elif cluster == EDGE_GRPC:
                route["retry_policy"] = edge_retry_policy(GRPC_RETRY_ON)
            routes.append({"match": {"path": path}, "route": route})
    return routes


def _without_transcoder() -> dict[str, Any]:
    return {_TRANSCODER_NAME: {"@type": _FILTER_CONFIG, "disabled": True}}


def _document_route(document: str) -> dict[str, Any]:
    """``GET /openapi.json`` answered by Envoy itself from the generated file."""
    return {
        "match": {"path": OPENAPI_PATH, "headers": [_method_is("GET")]},
        "direct_response": {"status": 200, "body": {"filename": document}},
        "response_headers_to_add": [
            {
                "header": {"key": "content-type", "value": "application/json"},
                "append_action": "OVERWRITE_IF_EXISTS_OR_ADD",
            }
        ],
        "typed_per_filter_config": _without_transcoder(),
    }


def _method_is(verb: str) -> dict[str, Any]:
    return {"name": ":method", "string_match": {"exact": verb}}


def _not_here(match: dict[str, Any], message: str, *, transcoder: bool) -> dict[str, Any]:
    """A 404 (NOT_FOUND) saying ``message``; :mod:`launcher.envoy_errors` shapes it as
    JSON like every other error."""
    route: dict[str, Any] = {
        "match": match,
        "direct_response": {"status": 404, "body": {"inline_string": message}},
    }
    if not transcoder:
        route["typed_per_filter_config"] = _without_transcoder()
    return route


def _gateway_routes(descriptor_dir: str, settings: Settings) -> list[dict[str, Any]]:
    """The API gateway: every REST method of every service, and nothing outside its surface.

    Routes are matched once on the request's own path (which decides whether the transcoder
    runs) and again on the gRPC path the transcoder rewrote it to (the method routes).
    """
    unknown = "no such REST method on the API gateway"
    return [
        *_method_routes(["edge", "chargepoint", "transaction", "auth"]),
        _document_route(f"{descriptor_dir}/{OPENAPI_FILES['api_gateway']}"),
        # Reached only by what the transcoder passed through untranslated.
        _not_here({"prefix": GATEWAY_PREFIX}, unknown, transcoder=True),
        _not_here({"path": "/services"}, unknown, transcoder=True),
        # The operator console at / (redirected to /console/), when it runs.
        *envoy_console.routes(settings.console),
        _not_here(
            {"prefix": "/"},
            "the API gateway serves /api/v1/..., /services and the operator console at "
            "/console/ only: component health is at "
            "/api/v1/{edge,chargepoint,transaction,auth}/health and GET /services",
            transcoder=False,
        ),
    ]


def _listener(
    name: str,
    host: str,
    port: int,
    routes: list[dict[str, Any]],
    filters: list[dict[str, Any]],
    *,
    websocket: bool = False,
) -> dict[str, Any]:
    manager: dict[str, Any] = {
        "@type": _HCM,
        "stat_prefix": name,
        "codec_type": "AUTO",
        "route_config": {
            "name": name,
            "virtual_hosts": [{"name": name, "domains": ["*"], "routes": routes}],
            "max_direct_response_body_size_bytes": MAX_DIRECT_RESPONSE_BYTES,
        },
        "http_filters": [
            *filters,
            {"name": "envoy.filters.http.router", "typed_config": {"@type": _ROUTER}},
        ],
    }
    if websocket:
        manager["upgrade_configs"] = [{"upgrade_type": "websocket"}]
        # The station's own address, appended to X-Forwarded-For, for the edge's limits per
        # source address (edge.source_addresses).
        manager["use_remote_address"] = True
        # Charge points stay connected for days; the edge's WebSocket pings keep the stream busy.
        manager["stream_idle_timeout"] = "3600s"
    return {
        "name": name,
        "address": {"socket_address": {"address": host, "port_value": port}},
        "filter_chains": [
            {
                "filters": [
                    {
                        "name": "envoy.filters.network.http_connection_manager",
                        "typed_config": manager,
                    }
                ]
            }
        ],
    }


def build(settings: Settings, descriptor: str) -> dict[str, Any]:
    """The whole bootstrap configuration (JSON-serialisable) for ``csms up`` or a container."""
    table = services()

    def full(*names: str) -> list[str]:
        return [table[n][0].full_name for n in names]

    upstreams = [
        Upstream(
            EDGE_WS,
            settings.network.edge_ws_addresses,
            http2=False,
            health_check=HealthCheck.TCP,
            lb_policy="LEAST_REQUEST",
        ),
        Upstream(
            EDGE_GRPC, settings.network.edge_addresses, http2=True, health_check=HealthCheck.GRPC
        ),
        Upstream("chargepoint", [settings.network.chargepoint_address], http2=True),
        Upstream("transaction", [settings.network.transaction_address], http2=True),
        Upstream("auth", [settings.network.auth_address], http2=True),
        *envoy_console.upstream(settings.console),
    ]
    documents = os.path.dirname(descriptor) or "."
    ocpp_routes = [
        {
            "match": {"prefix": "/ocpp"},
            # No timeout: the WebSocket lives as long as the charge point stays connected.
            "route": {
                "cluster": EDGE_WS,
                "timeout": "0s",
                "retry_policy": edge_retry_policy(WEBSOCKET_RETRY_ON),
            },
        },
        _document_route(f"{documents}/{OPENAPI_FILES['ocpp']}"),
        *_method_routes(["edge"]),
        # Reached by what is neither the WebSocket nor a REST method (the transcoder passes
        # unknown paths through here, for the WebSocket's sake): Envoy's bare 404 would say
        # nothing.
        _not_here(
            {"prefix": "/"},
            "no such REST method on the OCPP port: it serves the WebSocket at "
            "/ocpp/{chargePointId}, /health, /connections, /statistics and /openapi.json",
            transcoder=True,
        ),
    ]
    listeners = [
        _listener(
            "ocpp",
            settings.network.public_host,
            settings.network.ocpp_port,
            ocpp_routes,
            [_transcoder(descriptor, full("edge"), strict_paths=False)],
            websocket=True,
        ),
        _listener(
            "chargepoint_api",
            settings.network.public_host,
            settings.network.chargepoint_api_port,
            [
                *_method_routes(["chargepoint", "transaction"]),
                _document_route(f"{documents}/{OPENAPI_FILES['chargepoint_api']}"),
            ],
            [_transcoder(descriptor, full("chargepoint", "transaction"), strict_paths=True)],
        ),
        _listener(
            "api_gateway",
            settings.network.public_host,
            settings.network.api_gateway_port,
            _gateway_routes(documents, settings),
            [_transcoder(descriptor, full(*table), strict_paths=True)],
        ),
    ]
    # CSMS_API_AUTH=jwt: a bearer token on every listener's REST routes (launcher.envoy_auth).
    listeners = protected(listeners, settings.security, [s for s, _ in table.values()])
    # The OCPP listener again on CSMS_OCPP_TLS_PORT, over TLS (launcher.envoy_tls).
    listeners = with_tls(listeners, settings.security)
    # Slow or silent clients and oversized REST bodies (launcher.envoy_limits).
    listeners = with_limits(listeners, settings.security)
    # Envoy's own refusals as JSON, in the shape of the services' errors (launcher.envoy_errors).
    listeners = with_json_errors(listeners)
    return {
        "static_resources": {
            "listeners": listeners,
            "clusters": [cluster_config(u) for u in upstreams],
        },
        "overload_manager": {
            "resource_monitors": [
                {
                    "name": "envoy.resource_monitors.global_downstream_max_connections",
                    "typed_config": {
                        "@type": _CONNECTION_LIMIT,
                        "max_active_downstream_connections": MAX_DOWNSTREAM_CONNECTIONS,
                    },
                }
            ]
        },
    }
