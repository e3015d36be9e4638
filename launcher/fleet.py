"""The child processes of ``csms up``, kept running the way a container runtime would.

Once the system is up, a child that dies is started again rather than taking the others
down: an operator running ``csms up --replicas 3`` expects what compose's
``restart: unless-stopped`` gives, where one crashed edge replica costs its own charge
points a reconnect and nothing else. Restarts back off (0.5 s, doubling up to 10 s) so a
child that cannot start does not spin; a child that stayed up for a while before dying
starts again from the shortest wait.

``$CSMS_DATA_DIR/run/processes.json`` maps each child's name to its current pid (a child
waiting to be restarted has no entry), so operators and tests can find, say, ``edge-2``.

Every child starts through :mod:`launcher.lifeline`, so it dies with the supervisor even
when the supervisor cannot stop it (``kill -9``, the OOM killer), and carries the run's
``environment`` (:mod:`launcher.run_record`), by which the next ``csms up`` recognises
what survived anyway. The kernel ties a child to the *thread* that started it, so children
are spawned from the supervisor's main thread only.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

INITIAL_BACKOFF = 0.5
MAX_BACKOFF = 10.0
# A child that ran at least this long before dying is restarted after INITIAL_BACKOFF again.
STABLE_AFTER = 30.0
STOP_TIMEOUT = 8.0


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Spec:
    """How to start one child: its name, command and environment (None: the supervisor's)."""

    name: str
    command: Sequence[str]
    env: Mapping[str, str] | None = None


@dataclass
class Child:
    spec: Spec
    process: subprocess.Popen[bytes]
    started_at: float
    backoff: float = INITIAL_BACKOFF
    # Set while the child is dead and waiting for its restart.
    restart_at: float | None = None
    restarts: int = 0

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def running(self) -> bool:
        return self.restart_at is None and self.process.poll() is None


def exit_status(returncode: int) -> str:
    """``status 1``, or ``status -9 (SIGKILL)`` for a child a signal ended."""
    if returncode < 0:
        try:
            return f"status {returncode} ({signal.Signals(-returncode).name})"
        except ValueError:
            pass
    return f"status {returncode}"


class Fleet:
    """Every child in start order; supervision is :meth:`supervise`, called in a loop."""

    def __init__(
        self,
        pid_file: Path,
        *,
        clock: Callable[[], float] = time.monotonic,
        say: Callable[[str], None] = _stderr,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        self.pid_file = pid_file
        self._environment = dict(environment or {})
        self.children: list[Child] = []
        self._clock = clock
        self._say = say

    def spawn(self, spec: Spec) -> Child:
        child = Child(spec, self._popen(spec), self._clock())
        self.children.append(child)
        self._write_pids()
        return child

    def dead(self) -> Child | None:
        """The first child that has exited (during start-up, that ends the start)."""
        return next((c for c in self.children if c.process.poll() is not None), None)

    def pids(self) -> dict[str, int]:
        return {c.name: c.process.pid for c in self.children if c.running}

    def supervise(self) -> None:
        """Notice children that died and schedule their restart; start those whose wait is over."""
        now = self._clock()
        changed = False
        for child in self.children:
            if child.restart_at is None:
                returncode = child.process.poll()
                if returncode is not None:
                    self._schedule_restart(child, returncode, now)
                    changed = True
            elif now >= child.restart_at:
                self._restart(child, now)
                changed = True
        if changed:
            self._write_pids()

    def stop(self) -> None:
        """Reverse start order: Envoy first, the services last; then forget the pids."""
        for child in reversed(self.children):
            if not child.running:
                continue
            child.process.send_signal(signal.SIGTERM)
            try:
                child.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._say(f"csms up: {child.name} did not stop in {STOP_TIMEOUT:.0f}s; killing it")
                child.process.kill()
                child.process.wait()
        self.pid_file.unlink(missing_ok=True)

    def _schedule_restart(self, child: Child, returncode: int, now: float) -> None:
        delay = self._next_delay(child, now)
        self._say(
            f"csms up: {child.name} (pid {child.process.pid}) exited with "
            f"{exit_status(returncode)}; restarting it in {delay:g}s"
        )

    @staticmethod
    def _next_delay(child: Child, now: float) -> float:
        if now - child.started_at >= STABLE_AFTER:
            child.backoff = INITIAL_BACKOFF
        delay = child.backoff
        child.backoff = min(child.backoff * 2, MAX_BACKOFF)
        child.restart_at = now + delay
        return delay

    def _restart(self, child: Child, now: float) -> None:
        try:
            process = self._popen(child.spec)
        except OSError as error:
            child.started_at = now
            delay = self._next_delay(child, now)
            self._say(f"csms up: could not start {child.name}: {error}; trying again in {delay:g}s")
            return
        child.process = process
        child.started_at = now
        child.restart_at = None
        child.restarts += 1
        self._say(f"csms up: restarted {child.name} (pid {process.pid})")

    def _popen(self, spec: Spec) -> subprocess.Popen[bytes]:
        env = dict(os.environ if spec.env is None else spec.env)
        env.update(self._environment)
        # The lifeline execs the command in place: the child's pid is the command's.
        command = [sys.executable, "-m", "launcher.lifeline", str(os.getpid()), *spec.command]
        # Own session: a terminal's Ctrl-C reaches only the supervisor, which stops in order.
        return subprocess.Popen(command, env=env, start_new_session=True)

    def _write_pids(self) -> None:
        """Replace the file at once, so a reader never sees half of it."""
        self.pid_file.parent.mkdir(parents=True, exist_ok=True)
        partial = self.pid_file.with_suffix(".json.tmp")
        partial.write_text(json.dumps(self.pids(), indent=2) + "\n")
        os.replace(partial, self.pid_file)
