"""The Redis of the tests: the one named by ``CSMS_TEST_REDIS_URL`` (default: the local
server), with a key prefix of the test's own so that tests, and a ``csms up`` using the
same server, never see each other's keys.

When Redis cannot be reached, its tests are skipped on a developer's machine and fail
under CI (``CI=true``), where ``.ci/run`` starts the server.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tests.support.unavailable import unavailable

REDIS_URL = os.environ.get("CSMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass(frozen=True)
class RedisNamespace:
    url: str
    prefix: str


async def _ping_and_clean(url: str, prefix: str | None) -> None:
    import redis.asyncio as redis

    client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
    try:
        await client.ping()
        if prefix is not None:
            keys = [key async for key in client.scan_iter(match=f"{prefix}:*", count=1000)]
            if keys:
                await client.delete(*keys)
    finally:
        await client.aclose()


@contextmanager
def redis_namespace() -> Iterator[RedisNamespace]:
    """Yield the test Redis with a fresh key prefix; delete that prefix's keys afterwards."""
    prefix = f"csms-test-{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_ping_and_clean(REDIS_URL, None))
    except Exception as error:  # OSError, or redis.ConnectionError (not an OSError)
        unavailable(
            f"Redis at {REDIS_URL} is not reachable: {error}", "CI must run it; see .ci/run"
        )
    try:
        yield RedisNamespace(REDIS_URL, prefix)
    finally:
        asyncio.run(_ping_and_clean(REDIS_URL, prefix))
