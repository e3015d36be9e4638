"""``csms up``'s internal ports: given ones are used as given, the others are chosen at
start, and every one is held by the supervisor so that no other socket can take it
(issue 19: the old fixed defaults lay in the kernel's ephemeral range, and an outgoing
connection holding one as its source port stopped ``csms up`` by chance)."""

from __future__ import annotations

import errno
import json
import socket
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from launcher.internal_ports import INTERNAL_VARIABLES, reserve
from launcher.ports import conflicts
from launcher.probe import probe
from launcher.run_record import record_path
from servicekit.settings import Settings
from tests.support.ports import free_port, free_port_block
from tests.support.system import supervised, system_env

OLD_DEFAULTS = (50051, 50052, 50053, 50054)


@pytest.fixture
def held() -> Iterator[ExitStack]:
    with ExitStack() as stack:
        yield stack


def _source_port_taken(held: ExitStack, listener: socket.socket, port: int) -> None:
    """Make ``port`` the source port of a connection to ``listener``, as an outgoing
    connection of anything on this machine may; if something holds it already, it is
    taken just as well."""
    client = held.enter_context(socket.socket())
    try:
        client.bind(("127.0.0.1", port))
    except OSError as error:
        assert error.errno == errno.EADDRINUSE
        return
    client.connect(listener.getsockname())


def test_csms_up_starts_while_the_old_default_ports_are_taken_as_source_ports(
    tmp_path: Path, held: ExitStack
) -> None:
    listener = held.enter_context(socket.socket())
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    for port in OLD_DEFAULTS:
        _source_port_taken(held, listener, port)
    # Default internal ports; the public ones (and /metrics) stay on ports the test chose,
    # since 3000, 4000 and 4001 may be busy on a machine that runs tests.
    env = system_env(tmp_path)
    for name in INTERNAL_VARIABLES:
        env.pop(name, None)  # the tests choose no console port
    with supervised(env, tmp_path / "csms-up.log") as system:
        assert httpx.get(f"{system.api}/health", timeout=10).status_code == 200
        grpc = json.loads(record_path(tmp_path).read_text())["grpc"]
        addresses = [grpc["chargepoint"], grpc["transaction"], grpc["auth"], *grpc["edge"]]
        assert all(probe(address) for address in addresses), addresses
        assert not {int(a.rpartition(":")[2]) for a in addresses} & set(OLD_DEFAULTS)
        assert "internal ports chosen at start" in system.log()


def _settings(env: dict[str, str]) -> Settings:
    return Settings.from_env(env)


def _base_env(tmp_path: Path, replicas: int = 1) -> dict[str, str]:
    """Public and /metrics ports chosen by the test, no internal port given."""
    env = {
        "CSMS_DATA_DIR": str(tmp_path),
        "CSMS_PUBLIC_HOST": "127.0.0.1",
        "CSMS_EDGE_REPLICAS": str(replicas),
        "CSMS_METRICS_PORT": str(free_port_block(10 + replicas)),
    }
    if replicas > 1:
        env["CSMS_REDIS_URL"] = "redis://127.0.0.1:6379/0"
    for name in ("CSMS_OCPP_PORT", "CSMS_CHARGEPOINT_API_PORT", "CSMS_API_GATEWAY_PORT"):
        env[name] = str(free_port())
    env["CSMS_OCPP_TLS_PORT"] = "0"
    return env


def test_chosen_ports_are_held_against_others_and_free_for_the_components(
    tmp_path: Path,
) -> None:
    env = _base_env(tmp_path, replicas=3)
    reservation = reserve(env, _settings(env))
    try:
        assert set(reservation.chosen) == set(INTERNAL_VARIABLES)
        settings = _settings(env)
        # Each replica at base + i, as when the variables are given.
        assert settings.network.edge_addresses == [
            f"127.0.0.1:{settings.network.edge_grpc_port + i}" for i in range(3)
        ]
        internal = [
            settings.network.chargepoint_grpc_port,
            settings.network.transaction_grpc_port,
            settings.network.auth_grpc_port,
            *(settings.network.edge_grpc_port + i for i in range(3)),
            *(settings.network.edge_ws_port + i for i in range(3)),
        ]
        assert len(set(internal)) == len(internal)
        assert conflicts(settings) == []
        for port in internal:
            # Nothing else binds it (a connection's source port is bound this way) ...
            with socket.socket() as other, pytest.raises(OSError) as refused:
                other.bind(("127.0.0.1", port))
            assert refused.value.errno == errno.EADDRINUSE
            # ... but a component's server does, as often as it is restarted.
            for _ in range(2):
                with socket.socket() as server:
                    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    server.bind(("127.0.0.1", port))
                    server.listen()
    finally:
        reservation.close()
    with socket.socket() as other:
        other.bind(("127.0.0.1", settings.network.auth_grpc_port))  # released with the run


def test_given_ports_are_kept_and_held_and_no_choice_lands_on_a_planned_port(
    tmp_path: Path,
) -> None:
    env = _base_env(tmp_path)
    given = free_port()
    env["CSMS_AUTH_GRPC_PORT"] = str(given)
    reservation = reserve(env, _settings(env))
    try:
        assert env["CSMS_AUTH_GRPC_PORT"] == str(given)
        assert "CSMS_AUTH_GRPC_PORT" not in reservation.chosen
        with socket.socket() as other, pytest.raises(OSError):
            other.bind(("127.0.0.1", given))
        settings = _settings(env)
        public = {
            settings.network.ocpp_port,
            settings.network.chargepoint_api_port,
            settings.network.api_gateway_port,
        }
        assert not set(reservation.chosen.values()) & public
    finally:
        reservation.close()
