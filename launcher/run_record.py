"""The record of a ``csms up`` run in its data dir: which supervisor runs it, and how to
recognise the processes that belong to it.

``$CSMS_DATA_DIR/run/supervisor.json`` holds the supervisor's pid and a token made for the
run, and the supervisor holds an exclusive ``flock`` on it for as long as it lives. The
kernel drops that lock when the process ends, however it ends (``kill -9`` and the OOM
killer included), so the next ``csms up`` on the same data dir can tell:

- the lock is held: another ``csms up`` runs on this data dir; refuse, naming its pid;
- the lock is free and the file names a run: that supervisor died without stopping its
  children. Every process whose environment still carries the run's token
  (:data:`RUN_VARIABLE`, which every child gets and every grandchild inherits) survived
  it: stop it (SIGTERM, then SIGKILL) before anything else starts.

A pid alone proves nothing, since pids are reused: a process is stopped only when its own
environment (``/proc/PID/environ``, which only our own user can read) carries the token,
and it is signalled through a pidfd opened before that check, so the pid cannot pass to
another process in between. Where there is no ``/proc`` or no pidfd (not Linux), nothing
is stopped, and a port the survivors still hold is reported as taken.

The file is emptied, never removed, when the run ends: a second ``csms up`` that opened it
just before must lock the same file as a third that opens it just after.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

RUN_VARIABLE = "CSMS_UP_RUN"
"""Set in every child's environment to the run's token: how a survivor is recognised."""
STOP_TIMEOUT = 8.0
KILL_TIMEOUT = 5.0
PROC = Path("/proc")


class RunInUse(RuntimeError):
    """Another ``csms up`` holds the data dir; the message names its pid."""


@dataclass(frozen=True)
class Survivor:
    pid: int
    pidfd: int
    command: str


@dataclass
class RunRecord:
    """This supervisor's claim on its data dir; :meth:`release` when the run is over."""

    path: Path
    token: str
    _fd: int

    @property
    def environment(self) -> dict[str, str]:
        """What every child's environment must carry to be recognised as this run's."""
        return {RUN_VARIABLE: self.token}

    def describe(self, **facts: object) -> None:
        """Rewrite the record with ``facts`` beside the pid and the run's token."""
        content = {"pid": os.getpid(), "run": self.token, **facts}
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, json.dumps(content, indent=2).encode() + b"\n", 0)

    def release(self) -> None:
        os.ftruncate(self._fd, 0)
        os.close(self._fd)


def record_path(data_dir: Path) -> Path:
    return data_dir / "run" / "supervisor.json"


def claim(data_dir: Path, say: Callable[[str], None]) -> RunRecord:
    """Claim ``data_dir`` for this process, first stopping what a dead run left behind.

    Raise :class:`RunInUse` when a live ``csms up`` holds it.
    """
    path = record_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _read(fd).get("pid")
        os.close(fd)
        who = f"pid {holder}" if isinstance(holder, int) else "a process that is starting"
        raise RunInUse(
            f"another csms up ({who}) is running with the data dir {data_dir}: stop it first"
            f"{f' (kill {holder})' if isinstance(holder, int) else ''}, or give this one its"
            " own CSMS_DATA_DIR"
        ) from None
    previous = _read(fd)
    token = previous.get("run")
    if isinstance(token, str) and token:
        stopped = stop_survivors(token)
        if stopped:
            say(
                f"csms up: the previous run on {data_dir} (csms up pid {previous.get('pid')}) "
                "ended without stopping its processes; stopped "
                + ", ".join(f"pid {s.pid} ({s.command})" for s in stopped)
            )
    record = RunRecord(path, secrets.token_hex(16), fd)
    record.describe()
    return record


def _read(fd: int) -> dict[str, object]:
    raw = os.pread(fd, 4096, 0)
    try:
        found = json.loads(raw)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def survivors(token: str) -> list[Survivor]:
    """Every process but this one whose environment carries ``token`` as its run."""
    if not PROC.is_dir() or not hasattr(os, "pidfd_open"):
        return []
    marker = f"{RUN_VARIABLE}={token}".encode()
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        pid = int(entry.name)
        try:
            pidfd = os.pidfd_open(pid)
        except OSError:
            continue  # gone already
        try:
            environment = (entry / "environ").read_bytes().split(b"\0")
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            environment, command = [], ""  # another user's process, or gone
        if marker in environment:
            found.append(Survivor(pid, pidfd, command.strip()))
        else:
            os.close(pidfd)
    return found


def stop_survivors(token: str) -> list[Survivor]:
    """SIGTERM every survivor of the run ``token``; SIGKILL those still there after a while."""
    found = survivors(token)
    try:
        _signal_and_wait(found, signal.SIGTERM, STOP_TIMEOUT)
        _signal_and_wait(found, signal.SIGKILL, KILL_TIMEOUT)
    finally:
        for survivor in found:
            os.close(survivor.pidfd)
    return found


def _signal_and_wait(found: list[Survivor], signum: int, timeout: float) -> None:
    living = [s for s in found if not _ended(s, 0.0)]
    for survivor in living:
        with contextlib.suppress(ProcessLookupError):
            signal.pidfd_send_signal(survivor.pidfd, signum)
    deadline = time.monotonic() + timeout
    for survivor in living:
        _ended(survivor, max(0.0, deadline - time.monotonic()))


def _ended(survivor: Survivor, within: float) -> bool:
    """Whether the survivor has exited, waiting up to ``within`` seconds (a pidfd becomes
    readable when its process exits)."""
    poller = select.poll()
    poller.register(survivor.pidfd, select.POLLIN)
    return bool(poller.poll(int(within * 1000)))
