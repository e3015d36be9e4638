"""Forwarding an EdgeService call to the replica that holds the charge point's socket.

The call is sent unchanged (same method, same request, the caller's remaining deadline)
and its outcome relayed unchanged: the response, or the status with its message and
details (a station's CALLERROR travels as google.rpc.ErrorInfo in the trailing metadata).
A forwarded call carries :data:`FORWARDED_BY`, so the replica that receives it answers
from its own sessions and never forwards again: a route can never make a loop.
"""

from __future__ import annotations

from typing import Any

import grpc
from google.protobuf import message_factory
from google.protobuf.message import Message

from csms.edge.v1 import edge_pb2, edge_pb2_grpc
from edge.cluster.routes import Holder, Route
from servicekit.channels import open_channel

Context = grpc.aio.ServicerContext[Any, Any]

_SERVICE = edge_pb2.DESCRIPTOR.services_by_name["EdgeService"]

FORWARDED_BY = "x-csms-forwarded-by"
"""Request metadata: the replica id that forwarded this call."""
EVICT_CONNECTION = "x-csms-evict-connection"
"""Request metadata on a forwarded Disconnect: close the socket only if it is this
connection (a newer connection of the same charge point on that replica stays)."""
HANDLED_BY = "x-csms-replica"
"""Initial metadata a replica sends when it handles a forwarded call: an error without
it never reached the replica's servicer (the replica is down or unreachable)."""

# Seconds an eviction (close a stale socket elsewhere) may take.
EVICT_TIMEOUT = 5.0


def forwarded_by(context: Context) -> str | None:
    for key, value in context.invocation_metadata() or ():
        if key == FORWARDED_BY:
            return str(value)
    return None


def evicted_connection(context: Context) -> str | None:
    for key, value in context.invocation_metadata() or ():
        if key == EVICT_CONNECTION:
            return str(value)
    return None


class Forwarder:
    """gRPC channels to the other replicas (one per address, opened on first use)."""

    def __init__(self, replica: str, lease: float) -> None:
        self._replica = replica
        self._lease = lease
        self._channels: dict[str, grpc.aio.Channel] = {}

    def _channel(self, address: str) -> grpc.aio.Channel:
        channel = self._channels.get(address)
        if channel is None:
            channel = self._channels[address] = open_channel(address)
        return channel

    async def forward(self, route: Route, method: str, request: Message, context: Context) -> Any:
        """Send ``method`` to the replica of ``route``; return its response or end this
        call with its status."""
        response_class = message_factory.GetMessageClass(
            _SERVICE.methods_by_name[method].output_type
        )
        call = self._channel(route.address).unary_unary(
            f"/{_SERVICE.full_name}/{method}",
            request_serializer=lambda message: message.SerializeToString(),
            response_deserializer=response_class.FromString,
        )
        try:
            return await call(
                request,
                timeout=context.time_remaining(),
                metadata=((FORWARDED_BY, self._replica),),
            )
        except grpc.aio.AioRpcError as error:
            if _handled(error):
                await context.abort(
                    error.code(), error.details() or "", trailing_metadata=_relayed(error)
                )
            await context.abort(
                grpc.StatusCode.UNAVAILABLE,
                f"charge point {route.charge_point_id} is connected to edge replica "
                f"{route.replica} at {route.address}, which does not answer "
                f"({error.code().name}: {error.details()}); if that replica is gone, its "
                f"route expires within {self._lease:g} s and the charge point reconnects "
                "to another replica",
            )

    def stub(self, address: str) -> edge_pb2_grpc.EdgeServiceAsyncStub:
        """EdgeService of the replica at ``address``."""
        return edge_pb2_grpc.EdgeServiceStub(self._channel(address))

    async def evict(self, holder: Holder, charge_point_id: str) -> None:
        """Ask the replica of ``holder`` to close that (stale) connection."""
        await self.stub(holder.address).Disconnect(
            edge_pb2.DisconnectRequest(charge_point_id=charge_point_id),
            timeout=EVICT_TIMEOUT,
            metadata=((FORWARDED_BY, self._replica), (EVICT_CONNECTION, holder.connection)),
        )

    async def statistics(self, address: str, seconds: float) -> edge_pb2.Statistics:
        """The traffic figures of the replica at ``address`` alone."""
        return await self.stub(address).GetStatistics(
            edge_pb2.GetStatisticsRequest(),
            timeout=seconds,
            metadata=((FORWARDED_BY, self._replica),),
        )

    async def close(self) -> None:
        for channel in self._channels.values():
            await channel.close(None)
        self._channels.clear()


def _handled(error: grpc.aio.AioRpcError) -> bool:
    return any(key == HANDLED_BY for key, _ in _pairs(error.initial_metadata()))


def _relayed(error: grpc.aio.AioRpcError) -> tuple[tuple[str, str | bytes], ...]:
    """The trailing metadata worth relaying: the status details, not transport headers."""
    relayed: list[tuple[str, str | bytes]] = []
    for key, value in _pairs(error.trailing_metadata()):
        if key == "grpc-status-details-bin" or key.startswith("x-csms-"):
            relayed.append((key, value))
    return tuple(relayed)


def _pairs(metadata: Any) -> list[tuple[str, str | bytes]]:
    return [(str(key), value) for key, value in metadata or ()]
