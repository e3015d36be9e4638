"""launcher.envoy_limits: every listener bounds slow clients and REST bodies, except the
OCPP WebSocket route's frames, which the edge bounds itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from launcher.envoy_clusters import EDGE_WS
from launcher.envoy_config import build
from launcher.envoy_limits import MAX_REST_BODY_BYTES
from launcher.protogen import DESCRIPTOR_SET
from servicekit.settings import Settings
from tests.launcher.support.envoy_validation import validate_with_envoy


def _config(tmp_path: Path) -> tuple[Settings, dict[str, Any]]:
    settings = Settings.from_env({"CSMS_DATA_DIR": str(tmp_path), "CSMS_HANDSHAKE_TIMEOUT": "2.5"})
    return settings, build(settings, str(DESCRIPTOR_SET))


def _managers(config: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [
        (chain, network_filter["typed_config"])
        for listener in config["static_resources"]["listeners"]
        for chain in listener["filter_chains"]
        for network_filter in chain["filters"]
    ]


def test_every_listener_bounds_slow_clients_and_bodies(tmp_path: Path) -> None:
    settings, config = _config(tmp_path)
    managers = _managers(config)
    assert len(managers) == 4  # OCPP, OCPP over TLS, charge point API, API gateway
    for chain, manager in managers:
        assert manager["request_headers_timeout"] == "2.5s"
        assert manager["common_http_protocol_options"]["idle_timeout"] == "2.5s"
        first = manager["http_filters"][0]
        assert first["name"] == "envoy.filters.http.buffer"
        assert first["typed_config"]["max_request_bytes"] == MAX_REST_BODY_BYTES
        if "transport_socket" in chain:
            assert chain["transport_socket_connect_timeout"] == "2.5s"
    validate_with_envoy(settings, config, tmp_path / "envoy.json")


def test_only_the_websocket_route_is_not_buffered(tmp_path: Path) -> None:
    _, config = _config(tmp_path)
    for _, manager in _managers(config):
        for host in manager["route_config"]["virtual_hosts"]:
            for route in host["routes"]:
                exempt = "envoy.filters.http.buffer" in route.get("typed_per_filter_config", {})
                assert exempt == (route.get("route", {}).get("cluster") == EDGE_WS), route
