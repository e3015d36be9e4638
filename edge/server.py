"""The edge's composition root: the OCPP WebSocket server and the EdgeService gRPC server.

Nothing is built at import time; :func:`start` builds everything from the edge's parts of
the settings (network, cluster, security, addresses, observability:
:mod:`servicekit.settings`) and returns a handle whose ``stop()`` undoes it.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed, InvalidHeader
from websockets.headers import parse_subprotocol
from websockets.http11 import Request, Response
from websockets.typing import Subprotocol

from csms.edge.v1 import edge_pb2, edge_pb2_grpc
from edge.cluster.directory import RedisDirectory
from edge.cluster.event_relay import EventRelay
from edge.cluster.replica import Replica, advertised_address, replica_id
from edge.credentials import presented
from edge.edge_service import EdgeService
from edge.events import EventHub
from edge.gatekeeper import Gatekeeper
from edge.handshake import Admission, Refusal, decide
from edge.journal_feed import JournalFeed
from edge.operations.dispatcher import Dispatcher
from edge.operations.tables import OPERATION_TABLES
from edge.rate_limit import MessageLimit
from edge.registry import REPLACED_CODE, REPLACED_REASON, SessionRegistry
from edge.service_status import Component
from edge.services import AUTH, CHARGEPOINT, TRANSACTION, Services
from edge.source_addresses import SourceAddresses, source_address
from edge.statistics import TrafficStatistics
from edge.version_table import SESSION_CLASSES, SUPPORTED_VERSIONS
from servicekit import log_context
from servicekit.address_settings import AddressSettings
from servicekit.clock import Clock, SystemClock
from servicekit.cluster_settings import ClusterSettings
from servicekit.grpc_server import Registration, RunningServer, start_server
from servicekit.network_settings import NetworkSettings
from servicekit.observability_settings import ObservabilitySettings
from servicekit.security_settings import SecuritySettings

LOG = logging.getLogger(__name__)

EDGE_SERVICE = edge_pb2.DESCRIPTOR.services_by_name["EdgeService"].full_name


@dataclass
class RunningEdge:
    """A running edge: where it listens, its live sessions, and how to stop it."""

    ws_port: int
    grpc_port: int
    registry: SessionRegistry
    statistics: TrafficStatistics
    replica: Replica | None
    _websocket: Server = field(repr=False)
    _grpc: RunningServer = field(repr=False)
    _edge_service: EdgeService = field(repr=False)
    _services: Services = field(repr=False)
    # None: the message journal is off.
    journal_feed: JournalFeed | None = field(default=None, repr=False)
    events: EventHub = field(default_factory=EventHub, repr=False)
    # None: a single edge, without Redis.
    event_relay: EventRelay | None = field(default=None, repr=False)

    async def stop(self) -> None:
        """Close every socket with 1001 "going away" (RFC 6455 §7.4.1), so stations
        reconnect (to another replica or after the restart), then stop gRPC."""
        self._edge_service.serving = False
        self._websocket.close(close_connections=True)
        await self._websocket.wait_closed()
        if self.journal_feed is not None:
            await self.journal_feed.stop()  # the sockets' last frames, while services are open
        if self.replica is not None:
            await self.replica.stop()
        if self.event_relay is not None:
            await self.event_relay.stop()
        await self._grpc.stop()
        await self._services.close()


class _Endpoint:
    """The WebSocket callbacks of one edge: handshake decision, subprotocol, session."""

    def __init__(
        self,
        services: Services,
        registry: SessionRegistry,
        clock: Clock,
        statistics: TrafficStatistics,
        request_ids: Iterator[int],
        *,
        replica: Replica | None,
        message_limit: MessageLimit,
        addresses: SourceAddresses,
        journal_feed: JournalFeed | None = None,
        events: EventHub | None = None,
    ) -> None:
        self.services = services
        self.registry = registry
        self.clock = clock
        self.statistics = statistics
        self.request_ids = request_ids
        self.replica = replica
        self.gatekeeper = Gatekeeper(services)
        self.message_limit = message_limit
        self.addresses = addresses
        self.journal_feed = journal_feed
        self.events = EventHub() if events is None else events

    async def process_request(
        self, connection: ServerConnection, request: Request
    ) -> Response | None:
        """Refuse a bad handshake with an HTTP status and a reason, before upgrading: a
        bad URL or version (:mod:`edge.handshake`), then a charge point that may not
        connect or did not prove its identity (:mod:`edge.gatekeeper`). First of all, an
        address that holds as many connections as it may (:mod:`edge.source_addresses`):
        a flood of handshakes costs the services nothing."""
        decision = _decide(request)
        refusal = decision if isinstance(decision, Refusal) else None
        address = source_address(request.headers, _host(connection))
        held = self.addresses.reserve(address)
        if held is not None:
            refusal = held
        else:
            # Released when the socket is gone, whether it was refused, failed or served.
            connection.connection_lost_waiter.add_done_callback(
                lambda _: self.addresses.release(address)
            )
        if refusal is None and isinstance(decision, Admission):
            credentials = presented(request.headers)
            refusal = (
                credentials
                if isinstance(credentials, Refusal)
                else await self.gatekeeper.admit(decision.charge_point_id, credentials)
            )
        if refusal is None:
            return None
        self.statistics.handshake_refused()
        LOG.info(
            "refused handshake path=%s peer=%s status=%d: %s",
            request.path,
            _peer(connection),
            refusal.status,
            refusal.reason,
        )
        response = connection.respond(refusal.status, refusal.reason + "\n")
        if refusal.status is HTTPStatus.UNAUTHORIZED:
            # RFC 7235 §3.1: a 401 carries the challenge; RFC 7617 §2.1 for the charset.
            response.headers["WWW-Authenticate"] = 'Basic realm="csms", charset="UTF-8"'
        return response

    def select_subprotocol(
        self, connection: ServerConnection, subprotocols: Sequence[Subprotocol]
    ) -> Subprotocol | None:
        if connection.request is None:
            return None
        decision = _decide(connection.request)
        if isinstance(decision, Admission) and decision.subprotocol is not None:
            return Subprotocol(decision.subprotocol)
        return None

    async def handle(self, connection: ServerConnection) -> None:
        """Run one session until the socket closes."""
        decision = _decide(connection.request) if connection.request else None
        if not isinstance(decision, Admission):  # process_request refused it already
            return
        # Every line logged for this station names it, its follow-up tasks' too.
        with log_context.bind(charge_point_id=decision.charge_point_id):
            await self._serve(connection, decision)

    async def _serve(self, connection: ServerConnection, decision: Admission) -> None:
        session = SESSION_CLASSES[decision.version](
            decision.charge_point_id,
            connection,
            decision.version,
            self.services,
            remote_address=_peer(connection),
            clock=self.clock,
            statistics=self.statistics,
            request_ids=self.request_ids,
            rate_limit=self.message_limit.start(
                shared=self.addresses.bucket(
                    source_address(connection.request.headers, _host(connection))
                )
                if connection.request is not None
                else None
            ),
            journal_feed=self.journal_feed,
            events=self.events,
        )
        previous = self.registry.add(session)
        self.statistics.connection_opened()
        self.events.connected(session.id, session.version.name, session.connection_id)
        LOG.info(
            "connected version=%s peer=%s",
            decision.version.name,
            session.remote_address,
        )
        if previous is not None:
            LOG.info("replaces its older connection")
            await previous.close(REPLACED_CODE, REPLACED_REASON)
        try:
            if self.replica is not None:
                await self.replica.joined(session)
            await session.start()
        except ConnectionClosed as closed:
            LOG.info("disconnected: %s", closed)
        finally:
            self.registry.remove(session)
            self.statistics.connection_closed()
            self.events.disconnected(session.id, session.version.name, session.connection_id)
            if self.replica is not None:
                await self.replica.left(session)


def _journal_feed(observability: ObservabilitySettings, services: Services) -> JournalFeed | None:
    """The feed of this process into the message journal, sending to the charge point
    service; None when the journal is off (CSMS_JOURNAL=off)."""
    if not observability.journal:
        return None
    record = services.chargepoint.RecordJournal
    feed = JournalFeed(lambda request: record(request, timeout=services.timeout))
    feed.start()
    return feed


def _decide(request: Request) -> Admission | Refusal:
    try:
        offered = _offered_subprotocols(request.headers)
    except InvalidHeader as error:
        return Refusal(HTTPStatus.BAD_REQUEST, f"Sec-WebSocket-Protocol is malformed: {error}")
    return decide(request.path, offered, SUPPORTED_VERSIONS)


def _offered_subprotocols(headers: Headers) -> list[str]:
    offered: list[str] = []
    for value in headers.get_all("Sec-WebSocket-Protocol"):
        offered.extend(parse_subprotocol(value))
    return offered


def _host(connection: ServerConnection) -> str:
    """The IP address of the socket's peer (Envoy's, behind Envoy)."""
    address = connection.remote_address
    if isinstance(address, tuple) and address:
        return str(address[0])
    return str(address)


def _peer(connection: ServerConnection) -> str:
    address = connection.remote_address
    if isinstance(address, tuple) and len(address) >= 2:
        host, port = address[0], address[1]
        return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"
    return str(address)


async def start(
    network: NetworkSettings,
    cluster: ClusterSettings,
    security: SecuritySettings,
    addresses: AddressSettings,
    observability: ObservabilitySettings,
    *,
    ws_port: int | None = None,
    grpc_port: int | None = None,
) -> RunningEdge:
    """Serve OCPP on ``network.edge_ws_port`` and EdgeService on
    ``network.edge_grpc_port`` (``ws_port``/``grpc_port`` override them; 0 = a free port).

    With ``cluster.redis_url`` this edge is one replica among several (:mod:`edge.cluster`).
    """
    services = Services.connect(network)
    registry = SessionRegistry()
    clock = SystemClock()
    statistics = TrafficStatistics(clock)
    replica = (
        Replica(
            RedisDirectory(cluster.redis_url, cluster.redis_prefix, cluster.edge_lease),
            registry,
            replica=replica_id(),
            address="",  # known once the gRPC port is bound
            lease=cluster.edge_lease,
        )
        if cluster.redis_url
        else None
    )
    # OCPP 2.x requestIds, for the sessions' own calls and the operators' alike; unique
    # across replicas when there are several.
    request_ids: Iterator[int] = itertools.count(1) if replica is None else replica.request_ids
    # The fleet's live events; shared with the other replicas through Redis when there are.
    events = EventHub("" if replica is None else replica.id)
    event_relay = (
        EventRelay(cluster.redis_url, cluster.redis_prefix, events) if replica is not None else None
    )
    edge_service = EdgeService(
        registry,
        Dispatcher(
            registry,
            OPERATION_TABLES,
            request_ids,
            max_message_bytes=security.max_message_bytes,
        ),
        statistics,
        services,
        address=network.edge_address,
        components=[
            Component(CHARGEPOINT, network.chargepoint_address, services.chargepoint.GetHealth),
            Component(TRANSACTION, network.transaction_address, services.transaction.GetHealth),
            Component(AUTH, network.auth_address, services.auth.GetHealth),
        ],
        replica=replica,
        events=events,
        event_relay=event_relay,
    )
    grpc_server: RunningServer | None = None
    journal_feed = _journal_feed(observability, services)
    try:
        grpc_server = await start_server(
            [
                Registration(
                    edge_service, edge_pb2_grpc.add_EdgeServiceServicer_to_server, EDGE_SERVICE
                )
            ],
            network.internal_host,
            network.edge_grpc_port if grpc_port is None else grpc_port,
        )
        if replica is not None:
            replica.address = advertised_address(network, grpc_server.port)
            edge_service.address = replica.address
            await replica.start()
        if event_relay is not None:
            event_relay.start()
        endpoint = _Endpoint(
            services,
            registry,
            clock,
            statistics,
            request_ids,
            replica=replica,
            message_limit=MessageLimit(security.message_rate, security.message_burst),
            addresses=SourceAddresses(addresses, security.message_burst),
            journal_feed=journal_feed,
            events=events,
        )
        ping = security.ping_interval or None
        websocket = await serve(
            endpoint.handle,
            network.internal_host,
            network.edge_ws_port if ws_port is None else ws_port,
            process_request=endpoint.process_request,
            select_subprotocol=endpoint.select_subprotocol,
            # A larger message, in one frame or reassembled from fragments, is closed with
            # 1009 "message too big" (RFC 6455 §7.4.1).
            max_size=security.max_message_bytes,
            # A client that has not completed the opening handshake by then (a slowloris, a
            # socket that never speaks) is dropped; so is one that does not answer our close.
            open_timeout=security.handshake_timeout,
            close_timeout=security.handshake_timeout,
            # A station that stops answering pings (gone, half-open, not reading) is closed
            # with 1011 after ping_interval + ping_timeout.
            ping_interval=ping,
            ping_timeout=ping,
        )
    except BaseException:
        if journal_feed is not None:
            await journal_feed.stop()
        if replica is not None:
            await replica.stop()
        if event_relay is not None:
            await event_relay.stop()
        if grpc_server is not None:
            await grpc_server.stop()
        await services.close()
        raise
    bound = next(iter(websocket.sockets)).getsockname()[1]
    return RunningEdge(
        ws_port=int(bound),
        grpc_port=grpc_server.port,
        registry=registry,
        statistics=statistics,
        replica=replica,
        _websocket=websocket,
        _grpc=grpc_server,
        _edge_service=edge_service,
        _services=services,
        journal_feed=journal_feed,
        events=events,
        event_relay=event_relay,
    )
