"""The generated Envoy configuration: accepted by the real Envoy, and exposing only REST methods."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

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
