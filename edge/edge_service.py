"""EdgeService: the edge's live sessions, the calls the CSMS sends to them (typed ones in
:mod:`edge.operations.typed_servicer`, any action through Send), its statistics, and the health
of every component."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from typing import Any

import grpc
from google.protobuf import json_format, struct_pb2

from csms.common.v1 import health_pb2
from csms.edge.v1 import edge_pb2, edge_pb2_grpc, events_pb2
from csms.transaction.v1 import transaction_pb2
from edge.cluster.aggregate import merge_statistics
from edge.cluster.directory import DirectoryUnavailable
from edge.cluster.event_relay import EventRelay
from edge.cluster.forwarding import evicted_connection, forwarded_by
from edge.cluster.replica import Replica
from edge.cluster.routes import Route
from edge.events import Event, EventHub
from edge.operations.dispatcher import Dispatcher, SendResult
from edge.operations.errors import OperationError, abort
from edge.operations.typed_servicer import TypedOperations
from edge.registry import REPLACED_CODE, REPLACED_REASON, SessionRegistry
from edge.service_status import HEALTH_TIMEOUT, Component, probe_all
from edge.services import Services
from edge.session import Session
from edge.statistics import TrafficFigures, TrafficStatistics
from servicekit.health import version
from servicekit.timestamps import to_timestamp

LOG = logging.getLogger(__name__)

Context = grpc.aio.ServicerContext[Any, Any]

# Reported for the transaction counts when transaction_svc does not answer.
UNKNOWN_COUNT = -1


class EdgeService(TypedOperations, edge_pb2_grpc.EdgeServiceServicer):
    def __init__(
        self,
        registry: SessionRegistry,
        dispatcher: Dispatcher,
        statistics: TrafficStatistics,
        services: Services,
        *,
        address: str,
        components: Sequence[Component],
        replica: Replica | None = None,
        events: EventHub | None = None,
        event_relay: EventRelay | None = None,
    ) -> None:
        self._registry = registry
        self._events = EventHub() if events is None else events
        self._event_relay = event_relay
        self.replica = replica
        self.dispatcher = dispatcher
        self._statistics = statistics
        self._services = services
        self.address = address
        self._components = tuple(components)
        self.serving = True

    @property
    def _status(self) -> str:
        return "SERVING" if self.serving else "NOT_SERVING"

    async def GetHealth(
        self, request: health_pb2.GetHealthRequest, context: Context
    ) -> health_pb2.HealthReport:
        return health_pb2.HealthReport(component="edge", status=self._status, version=version())

    async def ListConnections(
        self, request: edge_pb2.ListConnectionsRequest, context: Context
    ) -> edge_pb2.ListConnectionsResponse:
        """Every replica's connections (from Redis); this edge's own without Redis. With
        charge_point_ids, only those of them that are connected."""
        asked = list(request.charge_point_ids)
        if self.replica is None:
            sessions = (
                self._registry.list()
                if not asked
                else [s for i in sorted(set(asked)) if (s := self._registry.get(i)) is not None]
            )
            return edge_pb2.ListConnectionsResponse(
                connections=[_local_connection(session) for session in sessions]
            )
        directory = self.replica.directory
        try:
            routes = await (directory.routes_of(asked) if asked else directory.routes())
        except DirectoryUnavailable as error:
            await context.abort(grpc.StatusCode.UNAVAILABLE, str(error))
        return edge_pb2.ListConnectionsResponse(connections=[_routed_connection(r) for r in routes])

    async def WatchEvents(
        self, request: events_pb2.WatchEventsRequest, context: Context
    ) -> AsyncIterator[events_pb2.FleetEvent]:
        """The fleet's events until the caller goes away; a KEEPALIVE first, once the
        watch covers every replica (:mod:`edge.events`, :mod:`edge.cluster.event_relay`)."""
        watcher = self._events.watch(request.charge_point_ids)
        try:
            if self._event_relay is not None:
                await self._event_relay.settled()
            yield _fleet_event(watcher.keepalive())
            async for event in watcher:
                yield _fleet_event(event)
        finally:
            self._events.unwatch(watcher)

    async def Disconnect(
        self, request: edge_pb2.DisconnectRequest, context: Context
    ) -> edge_pb2.DisconnectResponse:
        evicted = evicted_connection(context)
        if evicted is not None:
            # Another replica holds a newer connection: close this one if it is the stale one.
            session = self._registry.get(request.charge_point_id)
            if session is not None and session.connection_id == evicted:
                await session.close(REPLACED_CODE, REPLACED_REASON)
            return edge_pb2.DisconnectResponse()
        forwarded = await self._forward_if_remote("Disconnect", request, context)
        if forwarded is not None:
            response: edge_pb2.DisconnectResponse = forwarded
            return response
        try:
            await self.dispatcher.disconnect(request.charge_point_id)
        except OperationError as error:
            await abort(context, error)
        return edge_pb2.DisconnectResponse()

    async def Send(self, request: edge_pb2.SendRequest, context: Context) -> edge_pb2.SendResponse:
        forwarded = await self._forward_if_remote("Send", request, context)
        if forwarded is not None:
            response: edge_pb2.SendResponse = forwarded
            return response
        payload = json_format.MessageToDict(request.payload)
        try:
            answer = await self.dispatcher.send(
                request.charge_point_id, request.action, payload, context.time_remaining()
            )
        except OperationError as error:
            await abort(context, error)
        if isinstance(answer, SendResult):
            return edge_pb2.SendResponse(result=_struct(answer.payload))
        return edge_pb2.SendResponse(
            call_error=edge_pb2.CallError(
                code=answer.code,
                description=answer.description,
                details=_struct(dict(answer.details)),
            )
        )

    async def GetStatistics(
        self, request: edge_pb2.GetStatisticsRequest, context: Context
    ) -> edge_pb2.Statistics:
        """Every replica's figures summed; a replica asked by another gives its own."""
        by_version = Counter(session.version.name for session in self._registry.list())
        if forwarded_by(context) is not None:
            return _statistics_message(
                self._statistics.figures(), by_version, UNKNOWN_COUNT, UNKNOWN_COUNT
            )
        active, completed = await self._transaction_counts()
        own = _statistics_message(self._statistics.figures(), by_version, active, completed)
        if self.replica is None:
            return own
        return merge_statistics([own, *await self.replica.peer_statistics(self._health_timeout)])

    async def ListServices(
        self, request: edge_pb2.ListServicesRequest, context: Context
    ) -> edge_pb2.ListServicesResponse:
        """This edge (and every other live replica), then the three services."""
        edge = edge_pb2.ServiceStatus(
            component="edge", address=self.address, status=self._status, version=version()
        )
        peers = [] if self.replica is None else await self.replica.peer_components()
        others = await probe_all([*peers, *self._components], self._health_timeout)
        return edge_pb2.ListServicesResponse(services=[edge, *others])

    @property
    def _health_timeout(self) -> float:
        return min(HEALTH_TIMEOUT, self._services.timeout)

    async def _transaction_counts(self) -> tuple[int, int]:
        """transaction_svc's counts; -1 for both when it does not answer, so the rest of
        the statistics still show while it is down."""
        try:
            counts = await self._services.transaction.CountTransactions(
                transaction_pb2.CountTransactionsRequest(), timeout=self._health_timeout
            )
        except grpc.aio.AioRpcError as error:
            LOG.warning(
                "statistics without transaction counts: %s %s",
                error.code().name,
                error.details(),
            )
            return UNKNOWN_COUNT, UNKNOWN_COUNT
        return counts.active, counts.completed


def _local_connection(session: Session) -> edge_pb2.Connection:
    return edge_pb2.Connection(
        charge_point_id=session.id,
        ocpp_version=session.version.name,
        connected_at=to_timestamp(session.connected_at),
        remote_address=session.remote_address,
    )


def _fleet_event(event: Event) -> events_pb2.FleetEvent:
    message = events_pb2.FleetEvent(
        charge_point_id=event.charge_point_id,
        kind=events_pb2.FleetEvent.Kind.ValueType(event.kind),
        ocpp_version=event.ocpp_version,
        action=event.action,
        direction=events_pb2.FleetEvent.Direction.ValueType(event.direction),
        message_type=events_pb2.FleetEvent.MessageType.ValueType(event.message_type),
        replica=event.replica,
        connection_id=event.connection,
        lost=event.lost,
    )
    # To the microsecond: what time.time() says reliably, and no float noise below it.
    message.at.FromMicroseconds(round(event.at * 1e6))
    return message


def _routed_connection(route: Route) -> edge_pb2.Connection:
    return edge_pb2.Connection(
        charge_point_id=route.charge_point_id,
        ocpp_version=route.ocpp_version,
        connected_at=to_timestamp(route.connected_at),
        remote_address=route.remote_address,
        replica=route.replica,
        replica_address=route.address,
    )


def _statistics_message(
    figures: TrafficFigures, by_version: Counter[str], active: int, completed: int
) -> edge_pb2.Statistics:
    return edge_pb2.Statistics(
        active_connections=sum(by_version.values()),
        connections_by_version=dict(by_version),
        connections_opened=figures.connections_opened,
        connections_closed=figures.connections_closed,
        handshakes_refused=figures.handshakes_refused,
        messages_received=figures.messages_received,
        messages_sent=figures.messages_sent,
        call_errors_by_code=dict(figures.call_errors_by_code),
        error_rate=figures.error_rate,
        calls_received=figures.calls_received,
        replicas=1,
        actions=[
            edge_pb2.ActionStatistics(
                action=a.action,
                direction=a.direction,
                count=a.count,
                errors=a.errors,
                p50_ms=a.p50_ms,
                p95_ms=a.p95_ms,
                p99_ms=a.p99_ms,
                max_ms=a.max_ms,
            )
            for a in figures.actions
        ],
        transactions_active=active,
        transactions_completed=completed,
        since=to_timestamp(figures.since),
    )


def _struct(payload: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(payload)
    return struct
