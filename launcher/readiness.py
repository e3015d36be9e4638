"""Waiting for ``csms up``'s children to be ready, and checking what they depend on.

Each wait is bounded and fails with a :class:`StartupError` that names the component and
the address; a child that exits while another is awaited ends the start at once.
"""

from __future__ import annotations

import asyncio
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit

from launcher.fleet import Child, Fleet, exit_status

READY_TIMEOUT = 30.0
REDIS_TIMEOUT = 3.0


class StartupError(RuntimeError):
    """A component did not come up; the message says which and why."""


def reachable(host: str) -> str:
    """Where this machine reaches a server bound to ``host`` (a wildcard means loopback)."""
    return "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host


def without_password(url: str) -> str:
    """``url`` fit for a log line or an error message."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + host))


def check_alive(fleet: Fleet) -> None:
    dead = fleet.dead()
    if dead is not None:
        raise StartupError(
            f"{dead.name} exited with {exit_status(dead.process.returncode)} while starting"
        )


async def _grpc_ready(address: str, deadline: float) -> bool:
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    async with grpc.aio.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            try:
                reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=1.0)
            except grpc.aio.AioRpcError:
                await asyncio.sleep(0.1)
                continue
            if reply.status == health_pb2.HealthCheckResponse.SERVING:
                return True
    return False


def wait_grpc(fleet: Fleet, child: Child, address: str) -> None:
    """Until ``child``'s gRPC health at ``address`` is SERVING."""
    deadline = time.monotonic() + READY_TIMEOUT
    if not asyncio.run(_grpc_ready(address, deadline)):
        check_alive(fleet)
        raise StartupError(
            f"{child.name} did not become ready at {address} within {READY_TIMEOUT:.0f}s"
        )
    check_alive(fleet)


def wait_http(fleet: Fleet, child: Child, url: str) -> None:
    """Until ``url`` answers 200."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        check_alive(fleet)
        try:
            with urllib.request.urlopen(url, timeout=1.0) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise StartupError(f"{child.name} did not answer {url} within {READY_TIMEOUT:.0f}s")


async def _ping(url: str) -> None:
    import redis.asyncio as redis

    client = redis.Redis.from_url(
        url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
    )
    try:
        await client.ping()
    finally:
        await client.aclose()


def check_redis(url: str) -> None:
    """Fail before anything starts when the configured Redis does not answer."""
    from redis.exceptions import RedisError

    try:
        asyncio.run(_ping(url))
    except (RedisError, OSError, ValueError) as error:
        raise StartupError(
            f"Redis at {without_password(url)} does not answer ({error}): start it, or point "
            "--redis / CSMS_REDIS_URL at one that runs"
        ) from None
