"""``csms up`` as a subprocess on free ports, for end-to-end tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.ports import free_port

PORT_VARIABLES = (
    "CSMS_OCPP_PORT",
    "CSMS_CHARGEPOINT_API_PORT",
    "CSMS_API_GATEWAY_PORT",
    "CSMS_EDGE_WS_PORT",
    "CSMS_EDGE_GRPC_PORT",
    "CSMS_CHARGEPOINT_GRPC_PORT",
    "CSMS_TRANSACTION_GRPC_PORT",
    "CSMS_AUTH_GRPC_PORT",
)


@dataclass
class System:
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    output: Path

    def port(self, variable: str) -> int:
        return int(self.env[variable])

    @property
    def ocpp_url(self) -> str:
        return f"ws://127.0.0.1:{self.port('CSMS_OCPP_PORT')}/ocpp"

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port('CSMS_CHARGEPOINT_API_PORT')}"

    @property
    def api_gateway(self) -> str:
        return f"http://127.0.0.1:{self.port('CSMS_API_GATEWAY_PORT')}"

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.port('CSMS_OCPP_PORT')}"

    def log(self) -> str:
        return self.output.read_text(errors="replace")


def system_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSMS_")}
    env.update({name: str(free_port()) for name in PORT_VARIABLES})
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


def start_up(env: dict[str, str], output: Path) -> subprocess.Popen[bytes]:
    with output.open("wb") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "launcher.cli", "up"],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )


@contextmanager
def running_system(data_dir: Path, **overrides: str) -> Iterator[System]:
    """Start ``csms up``; wait for its banner; stop it with SIGTERM and check it stopped cleanly."""
    env = system_env(data_dir, **overrides)
    output = data_dir / "csms-up.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    process = start_up(env, output)
    system = System(env, process, output)
    deadline = time.monotonic() + 90
    try:
        while "CSMS is up." not in system.log():
            if process.poll() is not None:
                raise AssertionError(f"csms up exited with {process.returncode}:\n{system.log()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"csms up did not come up in time:\n{system.log()}")
            time.sleep(0.2)
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
