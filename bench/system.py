"""The two systems a benchmark drives, started as child processes on free ports: the
CSMS (``csms up`` in a temporary data directory, as the end-to-end tests start it) and
the baseline (:mod:`bench.baseline_csms`). Each says where charge points connect and
which processes to measure.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import grpc

from csms.auth.v1 import auth_pb2, auth_pb2_grpc
from servicekit.settings import VARIABLES

# Every port the CSMS listens on, each given a free one (never the defaults: a csms up
# or a test run may hold them).
PORT_VARIABLES = tuple(name for name in VARIABLES if name.endswith("_PORT"))
# The repository, where ``python -m bench.baseline_csms`` is found.
ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 120.0
STOP_TIMEOUT = 30.0
# Identifiers registered at once while preparing a fleet.
REGISTER_CONCURRENCY = 32
# The metrics ports csms up uses from its base (servicekit.observability_settings: the
# services at +1..+3, edge replica i at +10+i), with room for several replicas.
METRICS_SPAN = 20


@dataclass
class Running:
    """A started system: where charge points connect and its processes by name."""

    name: str
    ocpp_url: str
    process: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str]

    def pids(self) -> dict[str, int]:
        """Each process to measure by name (``edge-1``, ``transaction``, ``envoy`` ...)."""
        path = Path(self.env.get("CSMS_DATA_DIR", "")) / "run" / "processes.json"
        if "CSMS_DATA_DIR" not in self.env or not path.exists():
            return {self.name: self.process.pid}
        found: dict[str, int] = json.loads(path.read_text())
        return found

    @property
    def edge_url(self) -> str:
        """The edge's own WebSocket endpoint, behind Envoy (the CSMS only)."""
        return f"ws://127.0.0.1:{self.env['CSMS_EDGE_WS_PORT']}/ocpp"

    @property
    def auth_address(self) -> str:
        return f"127.0.0.1:{self.env['CSMS_AUTH_GRPC_PORT']}"


def free_ports(count: int) -> list[int]:
    """``count`` distinct free ports on the loopback interface."""
    with ExitStack() as held:
        ports = []
        for _ in range(count):
            probe = held.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            probe.bind(("127.0.0.1", 0))
            ports.append(int(probe.getsockname()[1]))
        return ports


def free_range(span: int, avoid: set[int]) -> int:
    """The first of ``span`` consecutive free loopback ports, none of them in ``avoid``."""
    for _ in range(100):
        (first,) = free_ports(1)
        wanted = range(first, first + span)
        if first + span > 65535 or avoid & set(wanted):
            continue
        try:
            with ExitStack() as held:
                for port in wanted:
                    probe = held.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError(f"found no {span} consecutive free ports")


@contextmanager
def baseline(work: Path) -> Iterator[Running]:
    """The baseline CSMS on a free port."""
    log = work / "baseline.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.baseline_csms", "--port", "0"],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    with _stopping(process, log):
        line = _wait_for(process, log, "listening on ")
        url = line.split("listening on ", 1)[1].strip()
        yield Running("baseline", url, process, log, {})


@contextmanager
def csms(work: Path, args: Sequence[str] = ()) -> Iterator[Running]:
    """``csms up ARGS`` on free ports with its data in ``work/csms``."""
    data_dir = work / "csms"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSMS_")}
    ports = free_ports(len(PORT_VARIABLES))
    env.update(zip(PORT_VARIABLES, map(str, ports), strict=True))
    # CSMS_METRICS_PORT is a base: each component listens at an offset from it.
    env["CSMS_METRICS_PORT"] = str(free_range(METRICS_SPAN, avoid=set(ports)))
    env.update(
        {
            "CSMS_DATA_DIR": str(data_dir),
            "CSMS_PUBLIC_HOST": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
        }
    )
    log = work / "csms-up.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "launcher.cli", "up", *args],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    with _stopping(process, log):
        _wait_for(process, log, "CSMS is up.")
        url = f"ws://127.0.0.1:{env['CSMS_OCPP_PORT']}/ocpp"
        yield Running("csms", url, process, log, env)


def _wait_for(process: subprocess.Popen[bytes], log: Path, marker: str) -> str:
    """The first line of the log holding ``marker``, once written."""
    name = log.stem
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        for line in log.read_text(errors="replace").splitlines():
            if marker in line:
                return line
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}; see {log}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not start in {START_TIMEOUT:g} s; see {log}")
        time.sleep(0.1)


@contextmanager
def _stopping(process: subprocess.Popen[bytes], log: Path) -> Iterator[None]:
    try:
        yield
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            print(f"bench: {log.stem} did not stop on SIGTERM; killed (see {log})")


def register_id_tags(auth_address: str, id_tags: Sequence[str]) -> None:
    """Store each identifier as Accepted through AuthService (so that every charge point
    of a fleet charges with its own and none is ConcurrentTx)."""
    asyncio.run(register_id_tags_async(auth_address, id_tags))


async def register_id_tags_async(auth_address: str, id_tags: Sequence[str]) -> None:
    async with grpc.aio.insecure_channel(auth_address) as channel:
        stub = auth_pb2_grpc.AuthServiceStub(channel)
        queue = list(id_tags)

        async def worker() -> None:
            while queue:
                tag = queue.pop()
                request = auth_pb2.CreateIdTagRequest(
                    id_tag=auth_pb2.IdTag(id_tag=tag, status=auth_pb2.IdTokenInfo.ACCEPTED)
                )
                try:
                    await stub.CreateIdTag(request, timeout=10)
                except grpc.aio.AioRpcError as error:
                    if error.code() != grpc.StatusCode.ALREADY_EXISTS:
                        raise

        await asyncio.gather(*(worker() for _ in range(REGISTER_CONCURRENCY)))
