"""The routes of every replica, in Redis.

Keys (``P`` is ``CSMS_REDIS_PREFIX``)::

    P:edge:route:{chargePointId}   hash   the route (edge.cluster.routes.Route), with a lease
    P:edge:replica:{replicaId}     string a live replica's gRPC address, with a lease
    P:edge:request-ids             int    the last OCPP 2.x requestId block handed out

Claims are one Lua script, so "read the current holder, decide, write" is atomic across
replicas: a new connection always takes the route (the newest wins); a renewal keeps a
route only while the connection is still the one it names, and takes back a route that
expired (Redis lost it, or the replica missed its renewals) unless a newer connection of
the same charge point holds it by then.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import redis.asyncio as redis
from redis.exceptions import RedisError

from edge.cluster.routes import Holder, Route

# Seconds Redis gets for one command before the call fails as unavailable.
REDIS_TIMEOUT = 2.0
# Routes read per SCAN round trip when listing.
SCAN_BATCH = 500

_CLAIM = """
-- KEYS[1] the route; ARGV: mode ('connect'|'renew'), lease ms, connection, connected_at ms,
-- then the route's field/value pairs.
local current = redis.call('HMGET', KEYS[1], 'connection', 'connected_at', 'replica', 'address')
if current[1] == ARGV[3] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {'kept'}
end
if current[1] and ARGV[1] == 'renew' and tonumber(current[2]) >= tonumber(ARGV[4]) then
  return {'lost', current[1], current[3], current[4]}
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if current[1] then
  return {'displaced', current[1], current[3], current[4]}
end
return {'claimed'}
"""

_RELEASE = """
if redis.call('HGET', KEYS[1], 'connection') == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class DirectoryUnavailable(Exception):
    """Redis did not answer; the message names it and says what could not be done."""


class Claim(enum.StrEnum):
    KEPT = "kept"
    """The route already named this connection; its lease was renewed."""
    CLAIMED = "claimed"
    """No route existed; this connection's was written."""
    DISPLACED = "displaced"
    """Another connection's route was replaced: that socket is stale and must close."""
    LOST = "lost"
    """(Renewal only) a newer connection holds the route: this socket is stale."""


@dataclass(frozen=True)
class Outcome:
    claim: Claim
    other: Holder | None = None


class RedisDirectory:
    """Routes and replica heartbeats under one key prefix of one Redis."""

    def __init__(self, url: str, prefix: str, lease: float) -> None:
        self._url = url
        # decode_responses: every reply is str (the stubs cannot know that).
        self._client: redis.Redis = redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=REDIS_TIMEOUT,
            socket_connect_timeout=REDIS_TIMEOUT,
            health_check_interval=30,
        )
        self._prefix = prefix
        self._lease_ms = int(lease * 1000)
        self._claim = self._client.register_script(_CLAIM)
        self._release = self._client.register_script(_RELEASE)

    def _route_key(self, charge_point_id: str) -> str:
        return f"{self._prefix}:edge:route:{charge_point_id}"

    def _replica_key(self, replica: str) -> str:
        return f"{self._prefix}:edge:replica:{replica}"

    def _unavailable(self, doing: str, error: RedisError) -> DirectoryUnavailable:
        return DirectoryUnavailable(
            f"the connection registry (Redis at {_safe(self._url)}) is unavailable, so the "
            f"edge cannot {doing}: {error or type(error).__name__}; retry later"
        )

    async def claim(self, route: Route) -> Outcome:
        """Make ``route`` the charge point's route: a new connection always wins."""
        try:
            reply = await self._claim(
                keys=[self._route_key(route.charge_point_id)], args=self._args("connect", route)
            )
        except RedisError as error:
            raise self._unavailable(f"register {route.charge_point_id}", error) from None
        return _outcome(reply)

    async def renew(self, replica: str, address: str, routes: Sequence[Route]) -> list[Outcome]:
        """Renew this replica's heartbeat and every route it holds, in one round trip;
        the outcome of each route, in order."""
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                pipe.set(self._replica_key(replica), address, px=self._lease_ms)
                for route in routes:
                    await self._claim(
                        keys=[self._route_key(route.charge_point_id)],
                        args=self._args("renew", route),
                        client=pipe,
                    )
                replies = await pipe.execute()
        except RedisError as error:
            raise self._unavailable("renew its routes", error) from None
        return [_outcome(reply) for reply in replies[1:]]

    async def release(self, route: Route) -> None:
        """Remove ``route``, unless a newer connection has replaced it already."""
        try:
            await self._release(
                keys=[self._route_key(route.charge_point_id)], args=[route.connection]
            )
        except RedisError as error:
            raise self._unavailable(f"release {route.charge_point_id}", error) from None

    async def leave(self, replica: str) -> None:
        try:
            await self._client.delete(self._replica_key(replica))
        except RedisError as error:
            raise self._unavailable("deregister the replica", error) from None

    async def lookup(self, charge_point_id: str) -> Route | None:
        try:
            fields = await self._client.hgetall(self._route_key(charge_point_id))
        except RedisError as error:
            raise self._unavailable(f"find the replica holding {charge_point_id}", error) from None
        return _route(fields) if fields else None

    async def routes(self) -> list[Route]:
        """Every replica's routes, ordered by charge point id."""
        pattern = _glob_escape(self._route_key("")) + "*"
        found: list[Route] = []
        try:
            keys = [key async for key in self._client.scan_iter(match=pattern, count=SCAN_BATCH)]
            for start in range(0, len(keys), SCAN_BATCH):
                async with self._client.pipeline(transaction=False) as pipe:
                    for key in keys[start : start + SCAN_BATCH]:
                        pipe.hgetall(key)
                    batch = await pipe.execute()
                found.extend(r for r in map(_route, batch) if r is not None)
        except RedisError as error:
            raise self._unavailable("list the connections of every replica", error) from None
        return sorted(found, key=lambda route: route.charge_point_id)

    async def routes_of(self, charge_point_ids: Sequence[str]) -> list[Route]:
        """The routes of those charge points that have one, ordered by charge point id:
        one round trip however many are asked."""
        wanted = sorted(set(charge_point_ids))
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for charge_point_id in wanted:
                    pipe.hgetall(self._route_key(charge_point_id))
                found = await pipe.execute()
        except RedisError as error:
            raise self._unavailable("look up the connections asked for", error) from None
        return [route for route in map(_route, found) if route is not None]

    async def replicas(self) -> dict[str, str]:
        """Live replicas (their heartbeat has not expired): id -> gRPC address."""
        pattern = _glob_escape(self._replica_key("")) + "*"
        start = len(self._replica_key(""))
        try:
            keys = [key async for key in self._client.scan_iter(match=pattern, count=SCAN_BATCH)]
            addresses = await self._client.mget(keys) if keys else []
        except RedisError as error:
            raise self._unavailable("list the edge replicas", error) from None
        return {
            str(key)[start:]: str(address)
            for key, address in zip(keys, addresses, strict=True)
            if address is not None
        }

    async def allocate(self, name: str, count: int) -> int:
        """Reserve ``count`` numbers of the counter ``name``; return the last one."""
        try:
            return int(await self._client.incrby(f"{self._prefix}:edge:{name}", count))
        except RedisError as error:
            raise self._unavailable(f"allocate {name}", error) from None

    async def ping(self) -> None:
        try:
            await self._client.ping()
        except RedisError as error:
            raise self._unavailable("start", error) from None

    async def close(self) -> None:
        await self._client.aclose()

    def _args(self, mode: str, route: Route) -> list[Any]:
        args: list[Any] = [mode, self._lease_ms, route.connection, route.connected_at_ms]
        for name, value in route.fields().items():
            args += [name, value]
        return args


def _route(fields: Any) -> Route | None:
    return Route.from_fields({str(key): str(value) for key, value in fields.items()})


def _outcome(reply: Sequence[str]) -> Outcome:
    claim = Claim(reply[0])
    if claim in (Claim.DISPLACED, Claim.LOST):
        return Outcome(claim, Holder(connection=reply[1], replica=reply[2], address=reply[3]))
    return Outcome(claim)


def _glob_escape(text: str) -> str:
    """``text`` matched literally by a Redis SCAN pattern."""
    return "".join(f"\\{c}" if c in "*?[]\\" else c for c in text)


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, sep, rest = url.partition("://")
    if "@" not in rest:
        return url
    credentials, _, location = rest.rpartition("@")
    user = credentials.partition(":")[0]
    return f"{scheme}{sep}{user + '@' if user else ''}{location}"
