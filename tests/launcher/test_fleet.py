"""The supervisor's restart policy, on real child processes and a clock the test moves."""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from launcher.fleet import INITIAL_BACKOFF, MAX_BACKOFF, STABLE_AFTER, Fleet, Spec, exit_status

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
CRASHER = [sys.executable, "-c", "raise SystemExit(3)"]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def said() -> list[str]:
    return []


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fleet(tmp_path: Path, clock: Clock, said: list[str]) -> Iterator[Fleet]:
    running = Fleet(tmp_path / "run" / "processes.json", clock=clock, say=said.append)
    yield running
    running.stop()


def _pid_file(fleet: Fleet) -> dict[str, int]:
    found: dict[str, int] = json.loads(fleet.pid_file.read_text())
    return found


def test_the_pid_file_names_every_running_child(fleet: Fleet) -> None:
    first = fleet.spawn(Spec("chargepoint", SLEEPER))
    second = fleet.spawn(Spec("edge-1", SLEEPER))
    assert _pid_file(fleet) == {"chargepoint": first.process.pid, "edge-1": second.process.pid}


def test_a_child_that_dies_is_restarted_after_a_pause(
    fleet: Fleet, clock: Clock, said: list[str]
) -> None:
    child = fleet.spawn(Spec("edge-2", SLEEPER))
    killed = child.process.pid
    child.process.send_signal(signal.SIGKILL)
    child.process.wait()

    fleet.supervise()
    assert said == [
        f"csms up: edge-2 (pid {killed}) exited with status -9 (SIGKILL); restarting it in 0.5s"
    ]
    assert _pid_file(fleet) == {}, "a dead child has no pid"

    clock.now += INITIAL_BACKOFF / 2
    fleet.supervise()
    assert child.process.pid == killed, "restarted before its pause was over"

    clock.now += INITIAL_BACKOFF / 2
    fleet.supervise()
    assert child.process.pid != killed
    assert child.running and child.restarts == 1
    assert said[-1] == f"csms up: restarted edge-2 (pid {child.process.pid})"
    assert _pid_file(fleet) == {"edge-2": child.process.pid}


def test_restarts_back_off_up_to_a_limit(fleet: Fleet, clock: Clock, said: list[str]) -> None:
    child = fleet.spawn(Spec("auth", CRASHER))
    waits = []
    for _ in range(7):
        child.process.wait()
        fleet.supervise()
        assert child.restart_at is not None
        waits.append(child.restart_at - clock.now)
        clock.now = child.restart_at
        fleet.supervise()
    assert waits == [0.5, 1.0, 2.0, 4.0, 8.0, MAX_BACKOFF, MAX_BACKOFF]
    assert "exited with status 3; restarting it in 0.5s" in said[0]


def test_a_child_that_stayed_up_a_while_restarts_quickly_again(fleet: Fleet, clock: Clock) -> None:
    child = fleet.spawn(Spec("transaction", SLEEPER))
    child.backoff = 8.0  # as after a few quick crashes
    clock.now += STABLE_AFTER
    child.process.kill()
    child.process.wait()
    fleet.supervise()
    assert child.restart_at == clock.now + INITIAL_BACKOFF


def test_stop_ends_every_child_and_forgets_the_pids(fleet: Fleet) -> None:
    children = [fleet.spawn(Spec(name, SLEEPER)) for name in ("chargepoint", "edge-1", "envoy")]
    fleet.stop()
    assert all(c.process.returncode == -signal.SIGTERM for c in children)
    assert not fleet.pid_file.exists()


def test_exit_status_names_the_signal() -> None:
    assert exit_status(1) == "status 1"
    assert exit_status(-9) == "status -9 (SIGKILL)"
