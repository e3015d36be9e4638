"""The children of ``csms up`` die with it, even when it is killed with SIGKILL and runs
no clean-up at all (``kill -9``, the OOM killer); a new ``csms up`` then starts on the same
data dir and the same ports."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from launcher.lifeline import ORPHANED
from tests.support.system import System, start_up, supervised, system_env, wait_until_up
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

CHILDREN = {"chargepoint", "transaction", "auth", "edge-1", "console", "envoy"}


def gone(pid: int) -> bool:
    """No such process, or only its exit status is left (a zombie nobody reaped yet)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    # The state follows the command name, which is in parentheses and may hold spaces.
    return stat.rpartition(")")[2].split()[0] in {"Z", "X"}


def test_the_children_die_with_a_killed_supervisor_and_a_new_run_starts(tmp_path: Path) -> None:
    env = system_env(tmp_path)
    first = System(env, start_up(env, tmp_path / "first.log"), tmp_path / "first.log")
    children: dict[str, int] = {}
    try:
        wait_until_up(first)
        children = first.pids()
        assert set(children) == CHILDREN
        first.process.send_signal(signal.SIGKILL)
        first.process.wait()
        eventually(
            lambda: all(gone(pid) for pid in children.values()),
            within=60,
            what=f"the children of a killed csms up to end: {children}",
        )
    finally:
        first.process.kill()
        for pid in children.values():  # whatever survived must not outlive the test
            if not gone(pid):
                os.kill(pid, signal.SIGKILL)
    # The same data dir and the same ports: nothing of the first run holds them any more.
    with supervised(env, tmp_path / "second.log") as second:
        assert set(second.pids()) == CHILDREN
        assert not set(second.pids().values()) & set(children.values())


def _through_lifeline(supervisor: int, marker: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "launcher.lifeline",
            str(supervisor),
            sys.executable,
            "-c",
            f"open({str(marker)!r}, 'w').close()",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_child_whose_supervisor_is_already_gone_does_not_start(tmp_path: Path) -> None:
    """The supervisor may die between starting a child and the child's asking to die
    with it; the child then has another parent and must not start its command."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    marker = tmp_path / "started"
    orphan = _through_lifeline(dead.pid, marker)
    assert orphan.returncode == ORPHANED, orphan.stderr
    assert f"csms up (pid {dead.pid}) is gone" in orphan.stderr
    assert not marker.exists()
    # This process is the wrapper's parent: the command runs.
    child = _through_lifeline(os.getpid(), marker)
    assert child.returncode == 0, child.stderr
    assert marker.exists()
