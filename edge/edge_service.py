"""EdgeService: what the edge tells the rest of the CSMS about its live sessions."""

from __future__ import annotations

from typing import Any

import grpc

from csms.common.v1 import health_pb2
from csms.edge.v1 import edge_pb2, edge_pb2_grpc
from edge.registry import SessionRegistry
from servicekit.health import version
from servicekit.timestamps import to_timestamp

Context = grpc.aio.ServicerContext[Any, Any]


class EdgeService(edge_pb2_grpc.EdgeServiceServicer):
    """GetHealth (SERVING while the edge runs) and ListConnections from the registry."""

    def __init__(self, registry: SessionRegistry) -> None:
        self._registry = registry
        self.serving = True

    async def GetHealth(
        self,
        request: health_pb2.GetHealthRequest,
        context: Context,
    ) -> health_pb2.HealthReport:
        status = "SERVING" if self.serving else "NOT_SERVING"
        return health_pb2.HealthReport(component="edge", status=status, version=version())

    async def ListConnections(
        self,
        request: edge_pb2.ListConnectionsRequest,
        context: Context,
    ) -> edge_pb2.ListConnectionsResponse:
        return edge_pb2.ListConnectionsResponse(
            connections=[
                edge_pb2.Connection(
                    charge_point_id=session.id,
                    ocpp_version=session.version.name,
                    connected_at=to_timestamp(session.connected_at),
                    remote_address=session.remote_address,
                )
                for session in self._registry.list()
            ]
        )
