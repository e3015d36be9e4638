"""``csms up`` claims its data dir: it refuses to share it with a live ``csms up``, and
stops what a dead one left running, but only processes that really belong to that run."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from launcher.run_record import RUN_VARIABLE, record_path
from tests.support.system import running_system, supervised, system_env

pytestmark = pytest.mark.e2e

TOKEN = "5f1c0ffee5f1c0ffee5f1c0ffee5f1c0"
# Binds the port given, as a component would, says so, and stays until stopped.
LISTENER = """
import socket, sys, time
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen()
print("listening", flush=True)
time.sleep(600)
"""


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test starts; none outlives it."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        process.kill()
        process.wait()


def _listening(
    started: list[subprocess.Popen[str]], port: str, env: dict[str, str]
) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", LISTENER, port], env=env, stdout=subprocess.PIPE, text=True
    )
    started.append(process)
    assert process.stdout is not None
    assert process.stdout.readline() == "listening\n"
    return process


def test_what_a_dead_run_left_is_stopped_and_nothing_else(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    env = system_env(tmp_path)
    # A component of the dead run that survived it, still holding its port.
    survivor = _listening(processes, env["CSMS_AUTH_GRPC_PORT"], {**env, RUN_VARIABLE: TOKEN})
    # Another run's process, or a stranger that got a pid the dead run's file names.
    stranger = _listening(processes, "0", {**env, RUN_VARIABLE: "another run"})
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    record = record_path(tmp_path)
    record.parent.mkdir(parents=True)
    record.write_text(json.dumps({"pid": dead.pid, "run": TOKEN}))
    (record.parent / "processes.json").write_text(
        json.dumps({"auth": survivor.pid, "edge-1": stranger.pid})
    )
    with supervised(env, tmp_path / "csms-up.log") as system:
        assert survivor.wait(30) == -signal.SIGTERM
        assert stranger.poll() is None
        log = system.log()
        assert f"(csms up pid {dead.pid}) ended without stopping its processes" in log
        assert f"stopped pid {survivor.pid} (" in log
        assert str(stranger.pid) not in log


def test_a_data_dir_in_use_is_refused_naming_its_csms_up(tmp_path: Path) -> None:
    with running_system(tmp_path) as system:
        children = system.pids()
        second = subprocess.Popen(
            [sys.executable, "-m", "launcher.cli", "up"],
            env=system_env(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            _, stderr = second.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            second.terminate()  # SIGTERM: it stops what it started
            second.communicate(timeout=30)
            raise AssertionError("a second csms up ran on a data dir in use") from None
        assert second.returncode == 1, stderr
        assert (
            f"another csms up (pid {system.process.pid}) is running with the data dir "
            f"{tmp_path}: stop it first (kill {system.process.pid})" in stderr
        )
        assert system.pids() == children, "the running system was disturbed"
