"""A real edge in the test's process, from whole settings: each test that starts one hands it
the parts the composition root takes (``edge.server.start``), on ports the kernel picks."""

from __future__ import annotations

from edge.server import RunningEdge, start
from servicekit.settings import Settings


async def start_edge(settings: Settings) -> RunningEdge:
    """Start an edge on free WebSocket and gRPC ports; the caller stops it."""
    return await start(
        settings.network,
        settings.cluster,
        settings.security,
        settings.addresses,
        settings.observability,
        ws_port=0,
        grpc_port=0,
    )
