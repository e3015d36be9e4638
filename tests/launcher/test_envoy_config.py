"""The generated Envoy configuration: accepted by the real Envoy, and exposing only REST methods."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from launcher import protogen
from launcher.envoy_config import build, rest_methods, services
from launcher.protogen import DESCRIPTOR_SET
from launcher.supervisor import envoy_binary
from servicekit.settings import Settings


def _settings(tmp_path: Path) -> Settings:
    return Settings.from_env({"CSMS_DATA_DIR": str(tmp_path), "CSMS_PUBLIC_HOST": "127.0.0.1"})


def test_real_envoy_accepts_the_configuration(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    config = tmp_path / "envoy.json"
    config.write_text(json.dumps(build(settings, str(DESCRIPTOR_SET))))
    result = subprocess.run(
        [envoy_binary(settings), "--mode", "validate", "-c", str(config), "--disable-hot-restart"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout + result.stderr


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
        "/csms.transaction.v1.TransactionService/ReserveNow",
        "/csms.transaction.v1.TransactionService/CancelReservation",
        "/csms.transaction.v1.TransactionService/GetReservation",
        "/csms.transaction.v1.TransactionService/ListReservations",
    ]


def _routes(config: dict[str, Any], listener: str) -> list[dict[str, Any]]:
    listeners = config["static_resources"]["listeners"]
    (found,) = [item for item in listeners if item["name"] == listener]
    manager = found["filter_chains"][0]["filters"][0]["typed_config"]
    return list(manager["route_config"]["virtual_hosts"][0]["routes"])


def test_the_gateway_routes_exactly_the_rest_methods_of_all_four_services(
    tmp_path: Path,
) -> None:
    config = build(_settings(tmp_path), "/generated/descriptors.pb")
    routed = {
        r["match"]["path"]: r["route"]["cluster"]
        for r in _routes(config, "api_gateway")
        if "route" in r
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
        gateway["address"]["socket_address"]["port_value"] == _settings(tmp_path).api_gateway_port
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
