"""Free TCP ports on the loopback interface, for components that must know a port
before another component starts (tests never assume 3000/4000/4001 are free)."""

from __future__ import annotations

import socket
from contextlib import ExitStack

ATTEMPTS = 200


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def free_port_block(count: int, host: str = "127.0.0.1") -> int:
    """The first of ``count`` consecutive free ports (edge replica i uses base + i)."""
    for _ in range(ATTEMPTS):
        base = free_port(host)
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
