"""Say clearly, before starting anything, which configured port is already taken."""

from __future__ import annotations

import errno
import socket
from dataclasses import dataclass

from servicekit.settings import Settings


@dataclass(frozen=True)
class PortUse:
    variable: str
    host: str
    port: int
    what: str


def planned(settings: Settings) -> list[PortUse]:
    public, internal = settings.public_host, settings.internal_host
    return [
        PortUse("CSMS_OCPP_PORT", public, settings.ocpp_port, "OCPP WebSocket and gateway REST"),
        PortUse(
            "CSMS_CHARGEPOINT_API_PORT",
            public,
            settings.chargepoint_api_port,
            "charge point REST API",
        ),
        PortUse("CSMS_API_GATEWAY_PORT", public, settings.api_gateway_port, "API gateway REST"),
        PortUse("CSMS_EDGE_WS_PORT", internal, settings.edge_ws_port, "edge WebSocket"),
        PortUse("CSMS_EDGE_GRPC_PORT", internal, settings.edge_grpc_port, "edge gRPC"),
        PortUse(
            "CSMS_CHARGEPOINT_GRPC_PORT",
            internal,
            settings.chargepoint_grpc_port,
            "chargepoint_svc gRPC",
        ),
        PortUse(
            "CSMS_TRANSACTION_GRPC_PORT",
            internal,
            settings.transaction_grpc_port,
            "transaction_svc gRPC",
        ),
        PortUse("CSMS_AUTH_GRPC_PORT", internal, settings.auth_grpc_port, "auth_svc gRPC"),
    ]


def conflicts(settings: Settings) -> list[str]:
    """One human-readable line per port that cannot be bound."""
    problems = []
    seen: dict[int, PortUse] = {}
    for use in planned(settings):
        if use.port in seen:
            other = seen[use.port]
            problems.append(
                f"{use.variable} and {other.variable} are both {use.port}; give each its own port"
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
                )
    return problems
