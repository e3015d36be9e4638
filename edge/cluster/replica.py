"""One edge process as a member of the replicas: its routes, their lease, and the calls
it forwards to the others.

Redis being unreachable never stops a replica from serving the sockets it holds: a
socket that could not be registered is registered by the next renewal, and calls about
charge points held elsewhere fail with UNAVAILABLE naming Redis until it is back.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from typing import Any

import grpc
from google.protobuf.message import Message

from csms.edge.v1 import edge_pb2
from edge.cluster.directory import Claim, DirectoryUnavailable, Outcome, RedisDirectory
from edge.cluster.forwarding import HANDLED_BY, Context, Forwarder, forwarded_by
from edge.cluster.request_ids import RequestIds
from edge.cluster.routes import Holder, Route
from edge.registry import REPLACED_CODE, REPLACED_REASON, SessionRegistry
from edge.service_status import Component
from edge.session import Session
from servicekit.network_settings import NetworkSettings

LOG = logging.getLogger(__name__)

# Renewals per lease: a replica may miss all but one and keep its routes.
RENEWALS_PER_LEASE = 3


def replica_id() -> str:
    """Unique per process start: host name, pid and a random suffix."""
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


def advertised_address(network: NetworkSettings, grpc_port: int) -> str:
    """Where the other replicas reach this one: the setting, else the internal host (or,
    when that is a wildcard, this host's own address) and the bound gRPC port."""
    if network.edge_advertise_address:
        return network.edge_advertise_address
    host = network.internal_host
    if host in {"0.0.0.0", "::", ""}:
        try:
            host = socket.gethostbyname(socket.gethostname())
        except OSError:
            host = "127.0.0.1"
    return f"[{host}]:{grpc_port}" if ":" in host else f"{host}:{grpc_port}"


class Replica:
    def __init__(
        self,
        directory: RedisDirectory,
        registry: SessionRegistry,
        *,
        replica: str,
        address: str,
        lease: float,
    ) -> None:
        self.id = replica
        self.address = address
        self.lease = lease
        self._directory = directory
        self._registry = registry
        self._forwarder = Forwarder(replica, lease)
        self.request_ids = RequestIds(directory)
        self._renewing: asyncio.Task[None] | None = None
        self._evictions: set[asyncio.Task[None]] = set()

    @property
    def directory(self) -> RedisDirectory:
        return self._directory

    async def start(self) -> None:
        """Reserve requestIds and start renewing; Redis may be down (logged, retried)."""
        await self.request_ids.start()
        self._renewing = asyncio.ensure_future(self._renew_forever())
        LOG.info("edge replica %s at %s shares its routes in Redis", self.id, self.address)

    async def stop(self) -> None:
        """Stop renewing and remove this replica's routes, so no call is routed here."""
        if self._renewing is not None:
            self._renewing.cancel()
            await asyncio.gather(self._renewing, return_exceptions=True)
        for task in list(self._evictions):
            task.cancel()
        await asyncio.gather(*self._evictions, return_exceptions=True)
        await self.request_ids.stop()
        try:
            for session in self._registry.list():
                await self._directory.release(self._route(session))
            await self._directory.leave(self.id)
        except DirectoryUnavailable as error:
            LOG.warning("routes left to expire: %s", error)
        await self._forwarder.close()
        await self._directory.close()

    def _route(self, session: Session) -> Route:
        return Route(
            charge_point_id=session.id,
            connection=session.connection_id,
            replica=self.id,
            address=self.address,
            ocpp_version=session.version.name,
            connected_at=session.connected_at,
            remote_address=session.remote_address,
        )

    async def joined(self, session: Session) -> None:
        """Route ``session``'s charge point here; close its older socket on another replica."""
        try:
            outcome = await self._directory.claim(self._route(session))
        except DirectoryUnavailable as error:
            LOG.warning("charge_point=%s registered at the next renewal: %s", session.id, error)
            return
        self._settle(session, outcome)

    async def left(self, session: Session) -> None:
        try:
            await self._directory.release(self._route(session))
        except DirectoryUnavailable as error:
            LOG.warning("charge_point=%s route left to expire: %s", session.id, error)

    async def renew(self) -> None:
        """One renewal of the heartbeat and every route; close sockets that lost theirs."""
        sessions = self._registry.list()
        outcomes = await self._directory.renew(
            self.id, self.address, [self._route(s) for s in sessions]
        )
        for session, outcome in zip(sessions, outcomes, strict=True):
            self._settle(session, outcome)

    def _settle(self, session: Session, outcome: Outcome) -> None:
        if outcome.claim is Claim.LOST:
            LOG.info("charge_point=%s has a newer connection on another replica", session.id)
            self._spawn(session.close(REPLACED_CODE, REPLACED_REASON))
        elif (
            outcome.claim is Claim.DISPLACED
            and outcome.other is not None
            and outcome.other.replica != self.id
        ):
            self._spawn(self._evict(outcome.other, session.id))

    async def _evict(self, holder: Holder, charge_point_id: str) -> None:
        try:
            await self._forwarder.evict(holder, charge_point_id)
        except grpc.aio.AioRpcError as error:
            # A replica that is gone has closed its sockets already.
            LOG.info(
                "charge_point=%s older connection on %s not closed: %s",
                charge_point_id,
                holder.replica,
                error.code().name,
            )
        else:
            LOG.info(
                "charge_point=%s older connection on %s closed", charge_point_id, holder.replica
            )

    def _spawn(self, work: Any) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._evictions.add(task)
        task.add_done_callback(self._evictions.discard)

    async def _renew_forever(self) -> None:
        interval = self.lease / RENEWALS_PER_LEASE
        while True:
            try:
                await self.renew()
            except DirectoryUnavailable as error:
                LOG.warning("%s", error)
            except Exception:
                LOG.exception("renewing the routes failed")
            await asyncio.sleep(interval)

    async def peers(self) -> dict[str, str]:
        """The other live replicas (id -> address); none known while Redis is down."""
        try:
            replicas = await self._directory.replicas()
        except DirectoryUnavailable as error:
            LOG.warning("%s", error)
            return {}
        replicas.pop(self.id, None)
        return replicas

    async def peer_components(self) -> list[Component]:
        """The other replicas, as components whose health GET /services shows."""
        return [
            Component("edge", address, self._forwarder.stub(address).GetHealth)
            for _, address in sorted((await self.peers()).items())
        ]

    async def peer_statistics(self, seconds: float) -> list[edge_pb2.Statistics]:
        """The other replicas' own figures; a replica that does not answer is left out
        (the merged figures say how many replicas they cover)."""
        addresses = list((await self.peers()).values())
        answers = await asyncio.gather(
            *(self._forwarder.statistics(address, seconds) for address in addresses),
            return_exceptions=True,
        )
        figures: list[edge_pb2.Statistics] = []
        for address, answer in zip(addresses, answers, strict=True):
            if isinstance(answer, grpc.aio.AioRpcError):
                LOG.warning("statistics without replica %s: %s", address, answer.code().name)
            elif isinstance(answer, BaseException):
                raise answer
            else:
                figures.append(answer)
        return figures

    async def forward_if_remote(
        self, method: str, charge_point_id: str, request: Message, context: Context
    ) -> Any | None:
        """The answer of the replica holding ``charge_point_id``'s socket, when that is
        another replica; None when this replica must answer (it holds the socket, the
        call was forwarded here, or no replica holds it)."""
        if forwarded_by(context) is not None:
            await context.send_initial_metadata(((HANDLED_BY, self.id),))
            return None
        if self._registry.get(charge_point_id) is not None:
            return None
        try:
            route = await self._directory.lookup(charge_point_id)
        except DirectoryUnavailable as error:
            await context.abort(grpc.StatusCode.UNAVAILABLE, str(error))
        if route is None or route.replica == self.id:
            return None
        return await self._forwarder.forward(route, method, request, context)
