"""``python -m launcher.lifeline SUPERVISOR_PID COMMAND [ARG...]``: run COMMAND so that it
dies with the ``csms up`` that started it.

``csms up`` starts every child through this wrapper. Without it, a supervisor killed with
``kill -9`` (or by the OOM killer) runs no clean-up at all, and its children, each in a
session of its own, keep serving with nobody watching them and every port still bound.

On Linux the wrapper asks the kernel to send it SIGTERM when its parent dies
(``prctl(PR_SET_PDEATHSIG)``) and then replaces itself with COMMAND. The request survives
``execve`` (except into a set-user-id program), so it holds for Envoy, a separate binary,
as for the Python components, which stop cleanly on SIGTERM. The parent could die between
the fork and the ``prctl``; the wrapper then no longer has SUPERVISOR_PID as its parent and
exits instead of starting COMMAND.

Elsewhere there is no such request: COMMAND just runs, and the next ``csms up`` on the same
data dir stops whatever its predecessor left behind (:mod:`launcher.run_record`).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

# <linux/prctl.h>
PR_SET_PDEATHSIG = 1
# The exit status when the supervisor was gone before the child could start.
ORPHANED = 3
# As a shell says of a command it cannot run.
CANNOT_RUN = 127


def die_with_parent(signum: int = signal.SIGTERM) -> None:
    """Have the kernel send ``signum`` to this process when its parent exits (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"prctl(PR_SET_PDEATHSIG): {os.strerror(error)}")


def main(argv: list[str]) -> int:
    if len(argv) < 2 or not argv[0].isdigit():
        print("usage: python -m launcher.lifeline SUPERVISOR_PID COMMAND [ARG...]", file=sys.stderr)
        return 2
    supervisor, command = int(argv[0]), argv[1:]
    die_with_parent()
    if os.getppid() != supervisor:
        # The supervisor died before the request above was in place: nobody would stop us.
        print(f"csms up (pid {supervisor}) is gone; not starting {command[0]}", file=sys.stderr)
        return ORPHANED
    try:
        os.execvp(command[0], command)
    except OSError as error:
        print(f"cannot run {command[0]}: {error.strerror}", file=sys.stderr)
    return CANNOT_RUN


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
