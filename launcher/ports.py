"""Say clearly, before starting anything, which configured port is already taken.

Edge replica ``i`` (0-based) of ``csms up --replicas N`` listens on ``CSMS_EDGE_WS_PORT + i``
and ``CSMS_EDGE_GRPC_PORT + i``, so every replica's ports are checked, each named by the
variable that moves it. So are the /metrics ports (``CSMS_METRICS_PORT`` + each
component's offset, :mod:`servicekit.observability_settings`), unless that is 0.
"""

from __future__ import annotations

import errno
import socket
from dataclasses import dataclass

from servicekit.observability_settings import METRICS_OFFSETS
from servicekit.settings import Settings

HIGHEST_PORT = 65535


@dataclass(frozen=True)
class PortUse:
    variable: str
    host: str
    port: int
    what: str
    offset: int = 0
    # Only the CSMS's own processes connect to it (launcher.internal_ports).
    internal: bool = False

    @property
    def label(self) -> str:
        """The variable, with the replica's offset when it is not the first replica's port."""
        return f"{self.variable}+{self.offset}" if self.offset else self.variable


def replica_name(index: int) -> str:
    """``edge-1`` for replica 0, and so on: what logs, banners and ``processes.json`` say."""
    return f"edge-{index + 1}"


def _edge_ports(settings: Settings) -> list[PortUse]:
    internal, replicas = settings.network.internal_host, settings.network.edge_replicas
    uses: list[PortUse] = []
    for variable, base, kind in (
        ("CSMS_EDGE_WS_PORT", settings.network.edge_ws_port, "WebSocket"),
        ("CSMS_EDGE_GRPC_PORT", settings.network.edge_grpc_port, "gRPC"),
    ):
        for i in range(replicas):
            name = "edge" if replicas == 1 else replica_name(i)
            uses.append(PortUse(variable, internal, base + i, f"{name} {kind}", i, internal=True))
    return uses


def _metrics_ports(settings: Settings) -> list[PortUse]:
    observability = settings.observability
    if not observability.metrics_port:
        return []
    uses = [
        PortUse(
            "CSMS_METRICS_PORT",
            settings.network.internal_host,
            observability.metrics_port_of(component),
            f"{component}_svc /metrics",
            METRICS_OFFSETS[component],
        )
        for component in ("chargepoint", "transaction", "auth")
    ]
    for i in range(settings.network.edge_replicas):
        name = "edge" if settings.network.edge_replicas == 1 else replica_name(i)
        uses.append(
            PortUse(
                "CSMS_METRICS_PORT",
                settings.network.internal_host,
                observability.metrics_port_of("edge", i),
                f"{name} /metrics",
                METRICS_OFFSETS["edge"] + i,
            )
        )
    return uses


def planned(settings: Settings) -> list[PortUse]:
    public, internal = settings.network.public_host, settings.network.internal_host
    tls_port = settings.security.ocpp_tls_port
    return [
        PortUse(
            "CSMS_OCPP_PORT", public, settings.network.ocpp_port, "OCPP WebSocket and gateway REST"
        ),
        # 0: no TLS listener.
        *([PortUse("CSMS_OCPP_TLS_PORT", public, tls_port, "OCPP over TLS")] if tls_port else []),
        PortUse(
            "CSMS_CHARGEPOINT_API_PORT",
            public,
            settings.network.chargepoint_api_port,
            "charge point REST API",
        ),
        PortUse(
            "CSMS_API_GATEWAY_PORT", public, settings.network.api_gateway_port, "API gateway REST"
        ),
        *_edge_ports(settings),
        PortUse(
            "CSMS_CHARGEPOINT_GRPC_PORT",
            internal,
            settings.network.chargepoint_grpc_port,
            "chargepoint_svc gRPC",
            internal=True,
        ),
        PortUse(
            "CSMS_TRANSACTION_GRPC_PORT",
            internal,
            settings.network.transaction_grpc_port,
            "transaction_svc gRPC",
            internal=True,
        ),
        PortUse(
            "CSMS_AUTH_GRPC_PORT",
            internal,
            settings.network.auth_grpc_port,
            "auth_svc gRPC",
            internal=True,
        ),
        *(
            [
                PortUse(
                    "CSMS_CONSOLE_PORT",
                    settings.console.host,
                    settings.console.port,
                    "operator console HTTP",
                    internal=True,
                )
            ]
            if settings.console.enabled
            else []
        ),
        *_metrics_ports(settings),
    ]


def conflicts(settings: Settings) -> list[str]:
    """One human-readable line per port that cannot be bound."""
    problems = []
    seen: dict[int, PortUse] = {}
    for use in planned(settings):
        if use.port > HIGHEST_PORT:
            problems.append(
                f"{use.label} is {use.port} ({use.what}), past the last TCP port {HIGHEST_PORT}: "
                f"lower {use.variable} or run fewer replicas"
            )
            continue
        if use.port in seen:
            other = seen[use.port]
            problems.append(
                f"{use.label} and {other.label} are both {use.port}; give each its own port"
                + (
                    " (edge replica i listens on the edge ports + i)"
                    if any(u.offset and u.variable.startswith("CSMS_EDGE") for u in (use, other))
                    else " (/metrics: CSMS_METRICS_PORT + 1, 2, 3 and + 10 + replica)"
                    if "CSMS_METRICS_PORT" in (use.variable, other.variable)
                    else ""
                )
            )
            continue
        seen[use.port] = use
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((use.host, use.port))
            except OSError as error:
                reason = (
                    "is already in use"
                    if error.errno == errno.EADDRINUSE
                    else f"cannot be used ({error.strerror})"
                )
                problems.append(
                    f"port {use.port} on {use.host} ({use.what}) {reason}: stop whatever holds it "
                    f"(another `csms up`?) or choose another port with {use.variable}=..."
                    + (
                        f" (or leave {use.variable} unset: csms up then chooses a free one)"
                        if use.internal
                        else ""
                    )
                )
    return problems
