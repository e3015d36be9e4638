"""The internal ports of ``csms up``, chosen and held so that no other socket can take them
(docs/adr/0010-internal-ports-held-by-the-supervisor.md).

Internal ports are the ones only ``csms up``'s own processes connect to: each service's
gRPC port, and each edge replica's gRPC and WebSocket ports (Envoy and the other
components reach them; charge points and operators go through Envoy's public ports).

- A port whose variable is set is used as given (edge replica ``i``: the port + ``i``).
- A port whose variable is not set is chosen at start: a free one the kernel hands out
  (``bind`` to port 0), for the edge a block of consecutive ones, one per replica, and the
  variable is set to it for every child and for Envoy's configuration.

Every internal port, given or chosen, is then held for the whole run by a socket of the
supervisor that is bound but never listens. Linux never picks a port that a socket is
explicitly bound to as the source port of an outgoing connection, nor for another
``bind`` to port 0; so neither the CSMS's own connections nor a load run on the same
machine can take it, and a component the supervisor restarts finds it still free. The
holding socket sets ``SO_REUSEADDR`` once bound, and so do the components' servers (gRPC
and asyncio set it on every listener): Linux lets such a socket bind beside others that
set it too as long as none of them listens, so each component binds its port as usual.

The chosen ports lie in the kernel's ephemeral range, where the old fixed defaults
(50051-50054) also lay; what makes them safe is the holding socket, not where they are.
Those rules of ``SO_REUSEADDR`` are Linux's: elsewhere (BSD and macOS refuse a second bind
to a port without ``SO_REUSEPORT``) the ports are still chosen, but let go before the
components start.
"""

from __future__ import annotations

import contextlib
import socket
import sys
from collections.abc import MutableMapping
from dataclasses import dataclass, field

from launcher import ports
from servicekit.settings import Settings

ATTEMPTS = 200
# Whether a component can bind beside a holding socket (see above).
HOLDS = sys.platform.startswith("linux")

# Internal port variables, and how many consecutive ports each needs per edge replica.
SERVICE_VARIABLES = (
    "CSMS_CHARGEPOINT_GRPC_PORT",
    "CSMS_TRANSACTION_GRPC_PORT",
    "CSMS_AUTH_GRPC_PORT",
)
EDGE_VARIABLES = ("CSMS_EDGE_WS_PORT", "CSMS_EDGE_GRPC_PORT")
CONSOLE_VARIABLES = ("CSMS_CONSOLE_PORT",)
INTERNAL_VARIABLES = (*EDGE_VARIABLES, *SERVICE_VARIABLES, *CONSOLE_VARIABLES)


@dataclass
class Reservation:
    """The sockets that hold every internal port; :meth:`close` when the run is over."""

    chosen: dict[str, int] = field(default_factory=dict)
    """The variables ``csms up`` chose a port for, with the (first) port chosen."""
    _held: list[socket.socket] = field(default_factory=list)

    def close(self) -> None:
        for held in self._held:
            held.close()
        self._held.clear()


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _hold(host: str, port: int, *, exclusive: bool) -> socket.socket | None:
    """A socket bound to ``host:port`` that never listens, or None when the port is taken.

    ``exclusive``: bind without ``SO_REUSEADDR``, so that the bind fails while anything at
    all uses the port (a connection's source port, or one in TIME_WAIT) and a port chosen
    by the kernel or added to a block is really free; ``SO_REUSEADDR`` is set only after.
    A given port is checked as its component will bind it, with ``SO_REUSEADDR`` first.
    """
    held = socket.socket(_family(host), socket.SOCK_STREAM)
    try:
        if not exclusive:
            held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        held.bind((host, port))
        held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    except OSError:
        held.close()
        return None
    return held


def _block(host: str, count: int) -> list[socket.socket]:
    """Held sockets on ``count`` consecutive free ports."""
    for _ in range(ATTEMPTS):
        first = _hold(host, 0, exclusive=True)
        if first is None:
            continue
        base = int(first.getsockname()[1])
        block = [first]
        for port in range(base + 1, base + count):
            held = _hold(host, port, exclusive=True) if port <= ports.HIGHEST_PORT else None
            if held is None:
                break
            block.append(held)
        if len(block) == count:
            return block
        for held in block:
            held.close()
    raise OSError(f"found no {count} consecutive free ports on {host}")


def reserve(environ: MutableMapping[str, str], settings: Settings) -> Reservation:
    """Hold every internal port; choose (and set in ``environ``) those not given there.

    ``settings`` are the ones read from ``environ``; read them again afterwards to see the
    chosen ports. A given port that cannot be held is left to
    :func:`launcher.ports.conflicts`, which names it.
    """
    host, replicas = settings.network.internal_host, settings.network.edge_replicas
    width = {name: replicas if name in EDGE_VARIABLES else 1 for name in INTERNAL_VARIABLES}
    missing = [name for name in INTERNAL_VARIABLES if name not in environ]
    reservation = Reservation()
    with contextlib.ExitStack() as meanwhile:
        # Every other planned port is held while choosing, so no choice can land on one
        # (a test's public ports, for instance, are free ports in the same range).
        for use in ports.planned(settings):
            if use.variable in missing or use.port > ports.HIGHEST_PORT:
                continue
            held = _hold(use.host, use.port, exclusive=False)
            if held is None:
                continue
            if use.variable in INTERNAL_VARIABLES:
                reservation._held.append(held)
            else:
                meanwhile.enter_context(held)
        try:
            for name in missing:
                block = _block(host, width[name])
                reservation._held.extend(block)
                reservation.chosen[name] = int(block[0].getsockname()[1])
        except OSError:
            reservation.close()
            raise
    for name, port in reservation.chosen.items():
        environ[name] = str(port)
    if not HOLDS:
        reservation.close()
    return reservation
