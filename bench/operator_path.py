"""S5, the operator path: a REST request to Envoy, transcoded to the edge's gRPC
EdgeService, sent to a connected charge point as a CALL, its answer back the same way.

``count`` idle 1.6 load stations are connected first (``csms-sim load --idle``, held for
the whole measurement); then POST ``/api/v1/charge-points/{id}/clear-cache`` goes to them
in turn, first one request at a time, then ``in_flight`` at once, each over its own
keep-alive HTTP/1.1 connection (a minimal client on asyncio streams, so the client's own
cost stays small on a shared machine). A load station answers every CSMS call with a
CALLERROR NotSupported, which the edge returns as FAILED_PRECONDITION (HTTP 400, reason
``OCPP_CALL_ERROR`` in the status details): that is the station's answer, so such a
response counts as a round trip; any other is a failure. The baseline has no operator API.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench import processes
from bench.figures import Output, only, percentile
from bench.system import Running
from simulator.load.plan import Plan, members, parse_mix

# A station's CALLERROR comes back as JSON whose ErrorInfo has this reason (FAILED_PRECONDITION).
ANSWERED = b"OCPP_CALL_ERROR"
BOOT_TIMEOUT = 120.0
REQUEST_TIMEOUT = 30.0


@dataclass(frozen=True)
class OperatorLoad:
    count: int
    requests: int
    in_flight: Sequence[int] = (1, 50)


# The processes a request passes through, and the two ends (the stations' simulator
# and this benchmark's HTTP client), whose CPU per request S5 prints.
S5_PROCESSES = ("envoy", "edge-1", "stations", "client")
QUICK = OperatorLoad(count=200, requests=500)
FULL = OperatorLoad(count=1000, requests=3000)
TARGET_COUNT = 1000


def operator_path(out: Output, load: OperatorLoad, csms: Running, work: Path) -> None:
    scale = "" if load.count >= TARGET_COUNT else f" (quick: not the target's {TARGET_COUNT:,})"
    out(
        f"S5 operator path: REST POST clear-cache -> Envoy -> edge -> station -> back, "
        f"{load.count:,} idle 1.6 charge points connected{scale}, {load.requests} requests "
        "per level"
    )
    port = int(csms.env["CSMS_OCPP_PORT"])
    log = work / "s5-stations.log"
    with log.open("wb") as sink:
        stations = subprocess.Popen(
            [
                sys.executable, "-m", "simulator.cli", "load", csms.ocpp_url,
                "--count", str(load.count), "--mix", "1.6=100", "--ramp", "200",
                "--idle", "--duration", "600", "--prefix", "S5", "--progress-every", "1",
            ],
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )  # fmt: skip
    try:
        _wait_booted(log, load.count, stations)
        plan = Plan(url="", count=load.count, mix=parse_mix("1.6=100"), prefix="S5")
        ids = [member.charge_point_id for member in members(plan)]
        pids = {**csms.pids(), "stations": stations.pid, "client": os.getpid()}
        measured = {name: pid for name, pid in pids.items() if name in S5_PROCESSES}
        for level in load.in_flight:
            before = {name: processes.read(pid) for name, pid in measured.items()}
            began = time.perf_counter()
            latencies, failures = asyncio.run(_measure(port, ids, load.requests, level))
            seconds = time.perf_counter() - began
            label = f"{level} in flight"
            only(out, "S5", f"p50 ms, {label}", percentile(latencies, 50))
            only(out, "S5", f"p99 ms, {label}", percentile(latencies, 99))
            only(out, "S5", f"failed requests, {label}", failures)
            only(out, "S5", f"requests/s, {label}", load.requests / seconds)
            for name, pid in measured.items():
                after, first = processes.read(pid), before[name]
                cpu = (
                    None
                    if after is None or first is None
                    else after.cpu_seconds - first.cpu_seconds
                )
                per_request = None if cpu is None else cpu / load.requests * 1e6
                only(out, "S5", f"{name} CPU us/request, {label}", per_request)
            p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
            met = p50 is not None and p99 is not None and p50 <= 5 and p99 <= 20 and not failures
            out(
                f"S5 target at {label}: p50 <= 5 ms, p99 <= 20 ms: {'met' if met else 'MISSED'}"
                + ("" if load.count >= TARGET_COUNT else f" (with {load.count:,} connected)")
            )
    finally:
        stations.terminate()
        try:
            stations.wait(30)
        except subprocess.TimeoutExpired:
            stations.kill()
            stations.wait()


def _wait_booted(log: Path, count: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + BOOT_TIMEOUT
    marker = f"booted {count} "
    while marker not in log.read_text(errors="replace"):
        if process.poll() is not None:
            raise RuntimeError(f"the S5 stations exited with {process.returncode}; see {log}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the S5 stations did not all boot in {BOOT_TIMEOUT:g} s; see {log}")
        time.sleep(0.2)


async def _measure(
    port: int, ids: Sequence[str], requests: int, level: int
) -> tuple[list[float], int]:
    """Milliseconds per answered request and the failures, ``level`` requests at once."""
    latencies: list[float] = []
    failures = 0
    queue = list(range(requests))

    async def client() -> None:
        nonlocal failures
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while queue:
                n = queue.pop()
                path = f"/api/v1/charge-points/{ids[n % len(ids)]}/clear-cache"
                started = time.perf_counter()
                status, response = await asyncio.wait_for(
                    _post(reader, writer, path), REQUEST_TIMEOUT
                )
                elapsed = (time.perf_counter() - started) * 1000
                if status == 200 or (status == 400 and ANSWERED in response):
                    latencies.append(elapsed)
                else:
                    failures += 1
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(level)))
    return latencies, failures


async def _post(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str
) -> tuple[int, bytes]:
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: 2\r\n\r\n{}".encode()
    )
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    body = await reader.readexactly(length) if length else b""
    return status, head + body
