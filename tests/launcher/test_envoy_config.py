"""The generated Envoy configuration: accepted by the real Envoy, and exposing only REST methods."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from edge.events import KEEPALIVE_INTERVAL
from launcher import protogen
from launcher.envoy_config import ROUTE_TIMEOUT, build, rest_methods, services
from launcher.protogen import DESCRIPTOR_SET
from servicekit.settings import Settings
from tests.launcher.support.envoy_validation import validate_with_envoy


def _settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env(
        {"CSMS_DATA_DIR": str(tmp_path), "CSMS_PUBLIC_HOST": "127.0.0.1", **env}
    )


def _replicas(tmp_path: Path, count: int = 3) -> Settings:
    return _settings(
        tmp_path, CSMS_EDGE_REPLICAS=str(count), CSMS_REDIS_URL="redis://127.0.0.1:6379/0"
    )


@pytest.mark.parametrize("replicas", [1, 3])
def test_real_envoy_accepts_the_configuration(tmp_path: Path, replicas: int) -> None:
    settings = _replicas(tmp_path, replicas)
    validate_with_envoy(settings, build(settings, str(DESCRIPTOR_SET)), tmp_path / "envoy.json")


def _cluster(config: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [c for c in config["static_resources"]["clusters"] if c["name"] == name]
    return dict(found)


def _endpoints(cluster: dict[str, Any]) -> list[str]:
    (locality,) = cluster["load_assignment"]["endpoints"]
    return [
        "{address}:{port_value}".format(**e["endpoint"]["address"]["socket_address"])
        for e in locality["lb_endpoints"]
    ]


def test_each_edge_replica_is_a_host_of_both_edge_clusters(tmp_path: Path) -> None:
    settings = _replicas(tmp_path)
    config = build(settings, "/descriptors.pb")
    ws, grpc = _cluster(config, "edge_ws"), _cluster(config, "edge_grpc")
    assert _endpoints(ws) == [f"127.0.0.1:{settings.network.edge_ws_port + i}" for i in range(3)]
    assert _endpoints(grpc) == [
        f"127.0.0.1:{settings.network.edge_grpc_port + i}" for i in range(3)
    ]
    # Long-lived WebSockets: the replica holding the fewest gets the next one.
    assert ws["lb_policy"] == "LEAST_REQUEST"
    # Resolved as DNS, so a compose service name becomes one host per replica.
    assert ws["type"] == grpc["type"] == "STRICT_DNS"


def test_a_compose_service_name_is_one_dns_endpoint(tmp_path: Path) -> None:
    settings = _settings(tmp_path, CSMS_EDGE_ADDRESS="edge:50054", CSMS_EDGE_WS_ADDRESS="edge:4010")
    config = build(settings, "/descriptors.pb")
    assert _endpoints(_cluster(config, "edge_ws")) == ["edge:4010"]
    assert _endpoints(_cluster(config, "edge_grpc")) == ["edge:50054"]


def test_edge_replicas_are_health_checked_often(tmp_path: Path) -> None:
    config = build(_replicas(tmp_path), "/descriptors.pb")
    (grpc_check,) = _cluster(config, "edge_grpc")["health_checks"]
    (tcp_check,) = _cluster(config, "edge_ws")["health_checks"]
    assert "grpc_health_check" in grpc_check
    assert "tcp_health_check" in tcp_check
    for check in (grpc_check, tcp_check):
        # Also while no request flows (Envoy's default then is a minute).
        assert check["interval"] == check["no_traffic_interval"] == "1s"
    assert "health_checks" not in _cluster(config, "chargepoint")


def test_routes_to_the_edge_retry_on_another_replica(tmp_path: Path) -> None:
    config = build(_replicas(tmp_path), "/descriptors.pb")
    websocket = _routes(config, "ocpp")[0]["route"]
    assert websocket["cluster"] == "edge_ws"
    assert websocket["retry_policy"]["retry_on"] == "connect-failure,reset"
    predicates = websocket["retry_policy"]["retry_host_predicate"]
    assert [p["name"] for p in predicates] == ["envoy.retry_host_predicates.previous_hosts"]
    for listener in ("ocpp", "api_gateway"):
        for route in _routes(config, listener):
            target = route.get("route", {})
            if target.get("cluster") == "edge_grpc" and route["match"]["path"] != WATCH_EVENTS:
                # Never "reset": an operation the edge received may have reached the station.
                assert target["retry_policy"]["retry_on"] == "connect-failure,refused-stream"
            elif target.get("cluster") in {"chargepoint", "transaction", "auth"}:
                assert "retry_policy" not in target


WATCH_EVENTS = "/csms.edge.v1.EdgeService/WatchEvents"


def test_the_stream_of_live_events_is_never_cut_nor_retried(tmp_path: Path) -> None:
    config = build(_replicas(tmp_path), "/descriptors.pb")
    for listener in ("ocpp", "api_gateway"):
        (route,) = [r for r in _routes(config, listener) if r["match"].get("path") == WATCH_EVENTS]
        assert route["route"]["timeout"] == "0s"
        assert "retry_policy" not in route["route"]
        manager = _manager(config, listener)
        # An idle stream is closed after the stream idle timeout (Envoy's default: 300 s),
        # a connection after its idle timeout only while it has no stream open.
        idle = float(manager.get("stream_idle_timeout", "300s").rstrip("s"))
        assert idle >= KEEPALIVE_INTERVAL * 4
        assert "max_stream_duration" not in manager.get("common_http_protocol_options", {})
        (transcoder,) = [
            f for f in manager["http_filters"] if f["name"].endswith("grpc_json_transcoder")
        ]
        # One JSON object per line, as each event arrives.
        assert transcoder["typed_config"]["print_options"]["stream_newline_delimited"] is True


def _manager(config: dict[str, Any], listener: str) -> dict[str, Any]:
    listeners = config["static_resources"]["listeners"]
    (found,) = [item for item in listeners if item["name"] == listener]
    manager: dict[str, Any] = found["filter_chains"][0]["filters"][0]["typed_config"]
    return manager


def _routed_paths(config: dict[str, Any], listener: str) -> list[str]:
    listeners = config["static_resources"]["listeners"]
    (found,) = [item for item in listeners if item["name"] == listener]
    manager = found["filter_chains"][0]["filters"][0]["typed_config"]
    routes = manager["route_config"]["virtual_hosts"][0]["routes"]
    return [r["match"].get("path") or r["match"]["prefix"] for r in routes]


def test_internal_rpcs_are_not_routed(tmp_path: Path) -> None:
    config = build(_settings(tmp_path), "/descriptors.pb")
    paths = _routed_paths(config, "chargepoint_api")
    assert "/csms.chargepoint.v1.ChargePointService/ListChargePoints" in paths
    assert "/csms.transaction.v1.TransactionService/GetTransaction" in paths
    # Only the edge may record boots or start transactions.
    internal = ("/RecordBoot", "/StartTransaction", "/StopTransaction")
    assert not any(p.endswith(internal) for p in paths)


def test_ocpp_listener_upgrades_websockets_to_the_edge(tmp_path: Path) -> None:
    config = build(_settings(tmp_path), "/descriptors.pb")
    paths = _routed_paths(config, "ocpp")
    assert paths[0] == "/ocpp"
    assert "/csms.edge.v1.EdgeService/ListConnections" in paths


def test_rest_methods_come_from_the_annotations() -> None:
    service, _cluster = services()["transaction"]
    assert rest_methods(service) == [
        "/csms.transaction.v1.TransactionService/GetHealth",
        "/csms.transaction.v1.TransactionService/GetTransaction",
        "/csms.transaction.v1.TransactionService/ListTransactions",
        "/csms.transaction.v1.TransactionService/ListOrphanReports",
        "/csms.transaction.v1.TransactionService/GetOrphanReport",
        "/csms.transaction.v1.TransactionService/ReconcileOrphanReport",
        "/csms.transaction.v1.TransactionService/ReserveNow",
        "/csms.transaction.v1.TransactionService/CancelReservation",
        "/csms.transaction.v1.TransactionService/GetReservation",
        "/csms.transaction.v1.TransactionService/ListReservations",
        "/csms.transaction.v1.TransactionService/EndTransaction",
        "/csms.transaction.v1.TransactionService/CheckTransaction",
    ]


def _routes(config: dict[str, Any], listener: str) -> list[dict[str, Any]]:
    listeners = config["static_resources"]["listeners"]
    (found,) = [item for item in listeners if item["name"] == listener]
    manager = found["filter_chains"][0]["filters"][0]["typed_config"]
    return list(manager["route_config"]["virtual_hosts"][0]["routes"])


def test_the_gateway_serves_the_console_at_the_root_unless_it_is_off(tmp_path: Path) -> None:
    config = build(_settings(tmp_path), "/generated/descriptors.pb")
    routes = _routes(config, "api_gateway")
    (root,) = [r for r in routes if r["match"] == {"path": "/"}]
    assert root["redirect"] == {"path_redirect": "/console/", "response_code": "FOUND"}
    console = [r for r in routes if "route" in r and r["route"]["cluster"] == "console"]
    assert [r["match"] for r in console] == [{"prefix": "/console/live"}, {"prefix": "/console"}]
    # The live stream is held open as long as the page is; pages wait for station answers.
    assert console[0]["route"]["timeout"] == "0s"
    assert float(console[1]["route"]["timeout"].rstrip("s")) > ROUTE_TIMEOUT
    # Routed before the gateway's catch-all 404, after every API method.
    assert routes.index(console[-1]) < routes.index(
        next(r for r in routes if r["match"] == {"prefix": "/"})
    )
    clusters = {c["name"] for c in config["static_resources"]["clusters"]}
    assert "console" in clusters

    off = build(_settings(tmp_path, CSMS_CONSOLE="off"), "/generated/descriptors.pb")
    assert not [r for r in _routes(off, "api_gateway") if r["match"] == {"path": "/"}]
    assert "console" not in {c["name"] for c in off["static_resources"]["clusters"]}


def test_the_gateway_routes_exactly_the_rest_methods_of_all_four_services(
    tmp_path: Path,
) -> None:
    config = build(_settings(tmp_path), "/generated/descriptors.pb")
    routed = {
        r["match"]["path"]: r["route"]["cluster"]
        for r in _routes(config, "api_gateway")
        if "route" in r and r["route"]["cluster"] != "console"
    }
    expected = {
        path: cluster for service, cluster in services().values() for path in rest_methods(service)
    }
    assert routed == expected
    assert routed["/csms.edge.v1.EdgeService/Reset"] == "edge_grpc"
    assert routed["/csms.auth.v1.AuthService/CreateIdTag"] == "auth"
    internal = ("/RecordBoot", "/Authorize", "/StartTransaction", "EdgeService/SendLocalList")
    assert not any(p.endswith(internal) for p in routed)


def test_the_gateway_answers_paths_outside_its_surface_itself(tmp_path: Path) -> None:
    config = build(_settings(tmp_path), "/generated/descriptors.pb")
    routes = _routes(config, "api_gateway")
    last = routes[-1]
    # /health (bound by two services) and the short paths of 4000/4001 end here, untranscoded.
    assert last["match"] == {"prefix": "/"}
    assert last["direct_response"]["status"] == 404
    disabled = last["typed_per_filter_config"]["envoy.filters.http.grpc_json_transcoder"]
    assert disabled["disabled"] is True
    gateway = next(
        item for item in config["static_resources"]["listeners"] if item["name"] == "api_gateway"
    )
    assert (
        gateway["address"]["socket_address"]["port_value"]
        == _settings(tmp_path).network.api_gateway_port
    )


@pytest.mark.parametrize(
    ("listener", "document"),
    [
        ("ocpp", "openapi-ocpp.json"),
        ("chargepoint_api", "openapi-chargepoint.json"),
        ("api_gateway", "openapi.json"),
    ],
)
def test_every_listener_serves_its_openapi_document(
    tmp_path: Path, listener: str, document: str
) -> None:
    config = build(_settings(tmp_path), "/generated/descriptors.pb")
    (route,) = [r for r in _routes(config, listener) if r["match"].get("path") == "/openapi.json"]
    assert route["direct_response"]["body"] == {"filename": f"/generated/{document}"}
    listeners = config["static_resources"]["listeners"]
    (found,) = [item for item in listeners if item["name"] == listener]
    route_config = found["filter_chains"][0]["filters"][0]["typed_config"]["route_config"]
    size = (protogen.OUTPUT_DIR / document).stat().st_size
    assert route_config["max_direct_response_body_size_bytes"] > size


def test_no_cluster_keeps_envoys_default_limit_of_1024_connections(tmp_path: Path) -> None:
    # Each connected charge point holds one upstream connection and one request to the
    # edge for as long as it is connected: Envoy's default circuit breakers (1,024 each)
    # refused the 1,025th station's upgrade with 503.
    config = build(_settings(tmp_path), "/descriptors.pb")
    for cluster in config["static_resources"]["clusters"]:
        (thresholds,) = cluster["circuit_breakers"]["thresholds"]
        for limit in ("max_connections", "max_pending_requests", "max_requests"):
            assert thresholds[limit] >= 50_000, (cluster["name"], limit)
