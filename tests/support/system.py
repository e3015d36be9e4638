"""``csms up`` as a subprocess on free ports, for end-to-end tests.

``running_system(data_dir, "--replicas", "3", ...)`` passes its arguments to ``csms up``;
edge replicas get blocks of consecutive free ports (replica i listens on the edge ports
+ i), and :class:`System` says where each replica listens and which pid each child has
(from the supervisor's ``run/processes.json``). ``CSMS_METRICS_PORT`` gets a free block
wide enough for every component's /metrics port (base + 1..3, base + 10 + i), so every
system serves them.

``production_system`` runs ``csms up`` on PostgreSQL and Redis with three edge replicas;
``system_on`` runs the one :class:`Topology` asked for, for journeys that must hold on
both (``tests/e2e/conftest.py``).
"""

from __future__ import annotations

import enum
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.ports import free_port, free_port_block

PORT_VARIABLES = (
    "CSMS_OCPP_PORT",
    "CSMS_OCPP_TLS_PORT",
    "CSMS_CHARGEPOINT_API_PORT",
    "CSMS_API_GATEWAY_PORT",
    "CSMS_EDGE_WS_PORT",
    "CSMS_EDGE_GRPC_PORT",
    "CSMS_CHARGEPOINT_GRPC_PORT",
    "CSMS_TRANSACTION_GRPC_PORT",
    "CSMS_AUTH_GRPC_PORT",
    "CSMS_CONSOLE_PORT",
)
# Ports of the first replica; replica i listens on each + i.
EDGE_PORT_VARIABLES = ("CSMS_EDGE_WS_PORT", "CSMS_EDGE_GRPC_PORT")
# The /metrics base: the services on + 1, + 2, + 3, edge replica i on + 10 + i.
METRICS_PORT_VARIABLE = "CSMS_METRICS_PORT"
METRICS_SERVICES = {"chargepoint": 1, "transaction": 2, "auth": 3}
METRICS_EDGE = 10


class Topology(enum.StrEnum):
    """Where a whole system runs: what a newcomer gets and what production runs."""

    EMBEDDED = "embedded"  # csms up's defaults: SQLite files, one edge, no Redis
    PRODUCTION = "production"  # three edge replicas on PostgreSQL and Redis


@dataclass
class System:
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    output: Path
    replicas: int = 1

    def port(self, variable: str) -> int:
        return int(self.env[variable])

    @property
    def ocpp_url(self) -> str:
        return f"ws://127.0.0.1:{self.port('CSMS_OCPP_PORT')}/ocpp"

    @property
    def ocpp_tls_url(self) -> str:
        """wss:// to Envoy's TLS listener (its certificate names localhost and 127.0.0.1)."""
        return f"wss://127.0.0.1:{self.port('CSMS_OCPP_TLS_PORT')}/ocpp"

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port('CSMS_CHARGEPOINT_API_PORT')}"

    @property
    def api_gateway(self) -> str:
        return f"http://127.0.0.1:{self.port('CSMS_API_GATEWAY_PORT')}"

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.port('CSMS_OCPP_PORT')}"

    @property
    def edge_ws_urls(self) -> list[str]:
        """Each replica's own OCPP WebSocket endpoint (behind Envoy), replica 1 first."""
        base = self.port("CSMS_EDGE_WS_PORT")
        return [f"ws://127.0.0.1:{base + i}/ocpp" for i in range(self.replicas)]

    @property
    def edge_grpc_addresses(self) -> list[str]:
        """Each replica's EdgeService ``host:port``, replica 1 first."""
        base = self.port("CSMS_EDGE_GRPC_PORT")
        return [f"127.0.0.1:{base + i}" for i in range(self.replicas)]

    def metrics_urls(self) -> dict[str, str]:
        """Every component's /metrics URL by process name (``chargepoint``, ``edge-1``...)."""
        base = self.port(METRICS_PORT_VARIABLE)
        urls = {
            name: f"http://127.0.0.1:{base + offset}/metrics"
            for name, offset in METRICS_SERVICES.items()
        }
        for i in range(self.replicas):
            urls[f"edge-{i + 1}"] = f"http://127.0.0.1:{base + METRICS_EDGE + i}/metrics"
        return urls

    def grpc_address(self, component: str) -> str:
        """``chargepoint``, ``transaction`` or ``auth``: where its gRPC server listens."""
        return f"127.0.0.1:{self.port(f'CSMS_{component.upper()}_GRPC_PORT')}"

    def pids(self) -> dict[str, int]:
        """Each running child's pid by name (``edge-2``, ``auth``, ``envoy``, ...); a child
        waiting for its restart is missing."""
        path = Path(self.env["CSMS_DATA_DIR"]) / "run" / "processes.json"
        try:
            found: dict[str, int] = json.loads(path.read_text())
        except FileNotFoundError:
            return {}
        return found

    def pid(self, name: str) -> int:
        return self.pids()[name]

    def log(self) -> str:
        return self.output.read_text(errors="replace")


def _ports(replicas: int) -> dict[str, str]:
    """Free ports for every variable, the edge's in blocks of ``replicas``, the metrics
    base's in a block covering every /metrics port, none shared."""
    widths = {name: replicas if name in EDGE_PORT_VARIABLES else 1 for name in PORT_VARIABLES}
    while True:
        chosen = {
            name: (free_port_block(width) if width > 1 else free_port())
            for name, width in widths.items()
        }
        used = [port + i for name, port in chosen.items() for i in range(widths[name])]
        metrics = free_port_block(METRICS_EDGE + replicas)
        used += [metrics + offset for offset in METRICS_SERVICES.values()]
        used += [metrics + METRICS_EDGE + i for i in range(replicas)]
        if len(set(used)) == len(used):
            return {
                **{name: str(port) for name, port in chosen.items()},
                METRICS_PORT_VARIABLE: str(metrics),
            }


def system_env(data_dir: Path, *, replicas: int = 1, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSMS_")}
    env.update(_ports(replicas))
    env.update(
        {
            "CSMS_DATA_DIR": str(data_dir),
            "CSMS_PUBLIC_HOST": "127.0.0.1",
            "CSMS_GRPC_TIMEOUT": "3",
            "LOG_LEVEL": "INFO",
        }
    )
    env.update(overrides)
    return env


def start_up(
    env: dict[str, str], output: Path, args: Sequence[str] = ()
) -> subprocess.Popen[bytes]:
    with output.open("wb") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "launcher.cli", "up", *args],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )


def replicas_of(args: Sequence[str], overrides: Mapping[str, str]) -> int:
    """The edge replicas ``csms up`` will run with these arguments and variables."""
    for i, arg in enumerate(args):
        if arg == "--replicas":
            return int(args[i + 1])
        if arg.startswith("--replicas="):
            return int(arg.partition("=")[2])
    return int(overrides.get("CSMS_EDGE_REPLICAS", "1"))


def wait_until_up(system: System, within: float = 90) -> None:
    """Until ``csms up`` printed its banner; fail with its output if it exited instead
    (``within`` bounds a broken start, it is not a speed requirement)."""
    deadline = time.monotonic() + within
    while "CSMS is up." not in system.log():
        if system.process.poll() is not None:
            raise AssertionError(
                f"csms up exited with {system.process.returncode}:\n{system.log()}"
            )
        if time.monotonic() > deadline:
            raise AssertionError(f"csms up did not come up in time:\n{system.log()}")
        time.sleep(0.2)


@contextmanager
def running_system(data_dir: Path, *args: str, **overrides: str) -> Iterator[System]:
    """Start ``csms up ARGS``; wait for its banner; stop it with SIGTERM and check it
    stopped cleanly."""
    replicas = replicas_of(args, overrides)
    env = system_env(data_dir, replicas=replicas, **overrides)
    data_dir.mkdir(parents=True, exist_ok=True)
    with supervised(env, data_dir / "csms-up.log", args, replicas) as system:
        yield system


@contextmanager
def supervised(
    env: dict[str, str], output: Path, args: Sequence[str] = (), replicas: int = 1
) -> Iterator[System]:
    """:func:`running_system` with the environment given as it is (a second run on the
    same ports, or on defaults a test wants to see used)."""
    process = start_up(env, output, args)
    system = System(env, process, output, replicas)
    try:
        wait_until_up(system)
        yield system
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            status = process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise AssertionError(f"csms up did not stop on SIGTERM:\n{system.log()}") from None
    assert status == 0, f"csms up stopped with status {status}:\n{system.log()}"


@contextmanager
def production_system(
    data_dir: Path, replicas: int = 3, **overrides: str
) -> Iterator[tuple[System, str]]:
    """``csms up --replicas N --database <new PostgreSQL database> --redis <test Redis>``:
    the production topology on this machine. Yields the system and the database's plain
    ``postgresql://`` URL (what asyncpg and psql take; csms adds the asyncio driver)."""
    from tests.support.databases import postgres_database
    from tests.support.redis import redis_namespace

    with redis_namespace() as redis, postgres_database() as url:
        plain = url.replace("postgresql+asyncpg://", "postgresql://", 1)
        with running_system(
            data_dir,
            "--replicas",
            str(replicas),
            "--database",
            plain,
            "--redis",
            redis.url,
            CSMS_REDIS_PREFIX=redis.prefix,
            **overrides,
        ) as running:
            yield running, plain


@contextmanager
def system_on(topology: Topology, data_dir: Path, **overrides: str) -> Iterator[System]:
    """The whole system on ``topology``: :func:`running_system` with its defaults, or
    :func:`production_system` (a new PostgreSQL database and Redis prefix, dropped after)."""
    if topology is Topology.EMBEDDED:
        with running_system(data_dir, **overrides) as running:
            yield running
    else:
        with production_system(data_dir, **overrides) as (running, _database_url):
            yield running
