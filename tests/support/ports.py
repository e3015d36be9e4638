"""Free TCP ports on the loopback interface, for components that must know a port
before another component starts (tests never assume 3000/4000/4001 are free)."""

from __future__ import annotations

import socket


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])
