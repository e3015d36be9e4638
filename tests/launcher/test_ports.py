from __future__ import annotations

import socket
from pathlib import Path

from launcher.ports import conflicts, planned
from servicekit.settings import Settings
from tests.support.ports import free_port, free_port_block

PORT_NAMES = (
    "CSMS_OCPP_PORT",
    "CSMS_OCPP_TLS_PORT",
    "CSMS_CHARGEPOINT_API_PORT",
    "CSMS_API_GATEWAY_PORT",
    "CSMS_EDGE_WS_PORT",
    "CSMS_EDGE_GRPC_PORT",
    "CSMS_CHARGEPOINT_GRPC_PORT",
    "CSMS_TRANSACTION_GRPC_PORT",
    "CSMS_AUTH_GRPC_PORT",
)
EDGE_PORTS = ("CSMS_EDGE_WS_PORT", "CSMS_EDGE_GRPC_PORT")


def _ports(replicas: int, fixed: dict[str, int]) -> dict[str, str]:
    """A free port for every setting (a block of ``replicas`` for the edge's), none of
    them overlapping another's or a port the test fixed; the fixed ones as given."""
    widths = {name: replicas if name in EDGE_PORTS else 1 for name in PORT_NAMES}
    taken = {port + i for name, port in fixed.items() for i in range(widths.get(name, 1))}
    while True:
        chosen = {
            name: free_port_block(width) if width > 1 else free_port()
            for name, width in widths.items()
            if name not in fixed
        }
        used = [port + i for name, port in chosen.items() for i in range(widths[name])]
        if len(set(used)) == len(used) and not taken & set(used):
            return {name: str(port) for name, port in {**chosen, **fixed}.items()}


def _settings(tmp_path: Path, **ports: int) -> Settings:
    env = {"CSMS_DATA_DIR": str(tmp_path), "CSMS_PUBLIC_HOST": "127.0.0.1"}
    return Settings.from_env({**env, **_ports(1, ports)})


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
    assert "unset" not in problems[0], "a public port is not chosen by csms up"


def test_the_tls_port_is_checked_unless_it_is_off(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        (problem,) = conflicts(_settings(tmp_path, CSMS_OCPP_TLS_PORT=taken))
        assert "(OCPP over TLS) is already in use" in problem
        assert "CSMS_OCPP_TLS_PORT=" in problem
        off = _settings(tmp_path, CSMS_OCPP_TLS_PORT=0)
    assert "CSMS_OCPP_TLS_PORT" not in [use.variable for use in planned(off)]


def test_two_settings_with_one_port_are_refused(tmp_path: Path) -> None:
    port = free_port()
    problems = conflicts(_settings(tmp_path, CSMS_EDGE_WS_PORT=port, CSMS_AUTH_GRPC_PORT=port))
    assert problems == [
        f"CSMS_AUTH_GRPC_PORT and CSMS_EDGE_WS_PORT are both {port}; give each its own port"
    ]


def _replica_settings(tmp_path: Path, replicas: int, **ports: int) -> Settings:
    env = {
        "CSMS_DATA_DIR": str(tmp_path),
        "CSMS_PUBLIC_HOST": "127.0.0.1",
        "CSMS_EDGE_REPLICAS": str(replicas),
        "CSMS_REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    return Settings.from_env({**env, **_ports(replicas, ports)})


def test_every_replica_port_is_planned(tmp_path: Path) -> None:
    settings = _replica_settings(tmp_path, 3)
    edge = [use for use in planned(settings) if use.variable.startswith("CSMS_EDGE_")]
    assert [(use.label, use.port, use.what) for use in edge] == [
        ("CSMS_EDGE_WS_PORT", settings.network.edge_ws_port, "edge-1 WebSocket"),
        ("CSMS_EDGE_WS_PORT+1", settings.network.edge_ws_port + 1, "edge-2 WebSocket"),
        ("CSMS_EDGE_WS_PORT+2", settings.network.edge_ws_port + 2, "edge-3 WebSocket"),
        ("CSMS_EDGE_GRPC_PORT", settings.network.edge_grpc_port, "edge-1 gRPC"),
        ("CSMS_EDGE_GRPC_PORT+1", settings.network.edge_grpc_port + 1, "edge-2 gRPC"),
        ("CSMS_EDGE_GRPC_PORT+2", settings.network.edge_grpc_port + 2, "edge-3 gRPC"),
    ]


def test_a_taken_port_of_a_later_replica_is_named(tmp_path: Path) -> None:
    settings = _replica_settings(tmp_path, 3)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", settings.network.edge_grpc_port + 2))
        holder.listen()
        problems = conflicts(settings)
    assert len(problems) == 1
    assert f"port {settings.network.edge_grpc_port + 2} on 127.0.0.1 (edge-3 gRPC)" in problems[0]
    assert "CSMS_EDGE_GRPC_PORT=" in problems[0]
    assert "or leave CSMS_EDGE_GRPC_PORT unset: csms up then chooses a free one" in problems[0]


def test_replica_ports_running_into_another_setting_are_refused(tmp_path: Path) -> None:
    base = free_port_block(4)
    settings = _replica_settings(
        tmp_path, 3, CSMS_EDGE_WS_PORT=base, CSMS_CHARGEPOINT_GRPC_PORT=base + 2
    )
    assert conflicts(settings) == [
        f"CSMS_CHARGEPOINT_GRPC_PORT and CSMS_EDGE_WS_PORT+2 are both {base + 2}; give each its"
        " own port (edge replica i listens on the edge ports + i)"
    ]


def test_replica_ports_past_the_last_port_are_refused(tmp_path: Path) -> None:
    settings = _replica_settings(tmp_path, 3, CSMS_EDGE_WS_PORT=65534)
    problems = conflicts(settings)
    assert any(p.startswith("CSMS_EDGE_WS_PORT+2 is 65536 (edge-3 WebSocket)") for p in problems)


def test_every_metrics_port_is_checked_unless_they_are_off(tmp_path: Path) -> None:
    base = free_port_block(13)
    settings = Settings.from_env(
        {
            "CSMS_DATA_DIR": str(tmp_path),
            "CSMS_PUBLIC_HOST": "127.0.0.1",
            "CSMS_METRICS_PORT": str(base),
            "CSMS_EDGE_REPLICAS": "3",
            "CSMS_REDIS_URL": "redis://127.0.0.1:6379/0",
            **_ports(3, {}),
        }
    )
    metrics = [use for use in planned(settings) if use.variable == "CSMS_METRICS_PORT"]
    assert [(use.port - base, use.what) for use in metrics] == [
        (1, "chargepoint_svc /metrics"),
        (2, "transaction_svc /metrics"),
        (3, "auth_svc /metrics"),
        (10, "edge-1 /metrics"),
        (11, "edge-2 /metrics"),
        (12, "edge-3 /metrics"),
    ]
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", base + 11))
        holder.listen()
        (problem,) = [p for p in conflicts(settings) if str(base + 11) in p]
    assert "(edge-2 /metrics) is already in use" in problem
    assert "CSMS_METRICS_PORT=" in problem
    off = Settings.from_env(
        {**dict(_ports(1, {})), "CSMS_DATA_DIR": str(tmp_path), "CSMS_METRICS_PORT": "0"}
    )
    assert "CSMS_METRICS_PORT" not in [use.variable for use in planned(off)]
