from __future__ import annotations

import socket
from pathlib import Path

from launcher.ports import conflicts
from servicekit.settings import Settings
from tests.support.ports import free_port


def _settings(tmp_path: Path, **ports: int) -> Settings:
    env = {"CSMS_DATA_DIR": str(tmp_path), "CSMS_PUBLIC_HOST": "127.0.0.1"}
    names = [
        "CSMS_OCPP_PORT",
        "CSMS_CHARGEPOINT_API_PORT",
        "CSMS_API_GATEWAY_PORT",
        "CSMS_EDGE_WS_PORT",
        "CSMS_EDGE_GRPC_PORT",
        "CSMS_CHARGEPOINT_GRPC_PORT",
        "CSMS_TRANSACTION_GRPC_PORT",
        "CSMS_AUTH_GRPC_PORT",
    ]
    for name in names:
        env[name] = str(ports.get(name, free_port()))
    return Settings.from_env(env)


def test_free_ports_have_no_conflicts(tmp_path: Path) -> None:
    assert conflicts(_settings(tmp_path)) == []


def test_a_taken_port_is_named_with_its_variable(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        problems = conflicts(_settings(tmp_path, CSMS_OCPP_PORT=taken))
    assert len(problems) == 1
    assert f"port {taken} on 127.0.0.1" in problems[0]
    assert "already in use" in problems[0]
    assert "CSMS_OCPP_PORT=" in problems[0]


def test_two_settings_with_one_port_are_refused(tmp_path: Path) -> None:
    port = free_port()
    problems = conflicts(_settings(tmp_path, CSMS_EDGE_WS_PORT=port, CSMS_AUTH_GRPC_PORT=port))
    assert problems == [
        f"CSMS_AUTH_GRPC_PORT and CSMS_EDGE_WS_PORT are both {port}; give each its own port"
    ]
