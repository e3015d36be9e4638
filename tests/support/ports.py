"""Free TCP ports on the loopback interface, for components that must know a port
before another component starts (tests never assume 3000/4000/4001 are free).

A port handed to a component to bind later is free when chosen, but not held: if it lay in
the kernel's ephemeral range, any outgoing connection on the machine (another test's, a
service's own) could take it as its source port before the component binds it, and the
component would fail to start by chance (issue 19). So the ports are drawn at random from
below the ephemeral range (``/proc/sys/net/ipv4/ip_local_port_range``), where only an
explicit ``bind`` can take one, and checked free when chosen.
"""

from __future__ import annotations

import random
import socket
from contextlib import ExitStack
from pathlib import Path

ATTEMPTS = 200
# Above the registered ports that are commonly in use on a developer's machine.
LOWEST = 20000
EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
# Not the module's generator: Hypothesis seeds that one, and two test runs would then draw
# the same ports.
_DRAW = random.SystemRandom()


def _first_ephemeral() -> int:
    try:
        return int(EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def _candidates(count: int) -> range | None:
    """Where a block of ``count`` ports may start below the ephemeral range (None: no room,
    or not Linux)."""
    first = _first_ephemeral()
    if first - count <= LOWEST:
        return None
    return range(LOWEST, first - count)


def free_port(host: str = "127.0.0.1") -> int:
    return free_port_block(1, host)


def free_port_block(count: int, host: str = "127.0.0.1") -> int:
    """The first of ``count`` consecutive free ports (edge replica i uses base + i)."""
    candidates = _candidates(count)
    for _ in range(ATTEMPTS):
        base = _DRAW.choice(candidates) if candidates is not None else _kernel_port(host)
        if base + count - 1 > 65535:
            continue
        with ExitStack() as held:
            try:
                for port in range(base, base + count):
                    probe = held.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
                    probe.bind((host, port))
            except OSError:
                continue
            return base
    raise RuntimeError(f"found no {count} consecutive free ports on {host}")


def _kernel_port(host: str) -> int:
    """A port the kernel says is free (in its ephemeral range): where no other is known."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])
