"""The relay of live events between replicas, on the machine's Redis: a replica learns that
another listens and sends it its events; a batch that is not one is ignored; with Redis
unreachable a watch still settles, in bounded time, and sees its own replica's events."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import redis.asyncio as redis

from edge.cluster.event_relay import EventRelay
from edge.events import EventHub, Kind
from tests.support.fake_services import closed_address
from tests.support.redis import RedisNamespace
from tests.support.waiting import settled

PATIENCE = 10.0


@asynccontextmanager
async def relayed(
    url: str, prefix: str, replica: str
) -> AsyncIterator[tuple[EventHub, EventRelay]]:
    hub = EventHub(replica)
    relay = EventRelay(url, prefix, hub, interval=0.05)
    relay.start()
    try:
        yield hub, relay
    finally:
        await relay.stop()


async def test_a_replica_sends_its_events_to_the_one_that_watches(
    redis_space: RedisNamespace,
) -> None:
    async with (
        relayed(redis_space.url, redis_space.prefix, "A") as (a, _),
        relayed(redis_space.url, redis_space.prefix, "B") as (b, b_relay),
    ):
        assert not a.watched  # nobody watches: A does not even look
        watcher = b.watch()
        await b_relay.settled()

        async def a_knows() -> bool | None:
            return a.watched or None

        await settled(a_knows, within=PATIENCE, what="A to learn that B listens")
        a.connected("CP-A", "2.1")
        event = await asyncio.wait_for(watcher.next(), PATIENCE)
        assert (event.charge_point_id, event.kind, event.replica) == ("CP-A", Kind.CONNECTED, "A")
        assert b.take_outbox() == []  # B's own listening is not another replica's
        b.unwatch(watcher)

        async def a_forgets() -> bool | None:
            return (not a.watched) or None

        await settled(a_forgets, within=PATIENCE, what="A to learn that nobody listens")


async def test_a_batch_that_is_not_one_is_ignored_with_a_warning(
    redis_space: RedisNamespace, caplog: pytest.LogCaptureFixture
) -> None:
    async with relayed(redis_space.url, redis_space.prefix, "B") as (hub, relay):
        watcher = hub.watch()
        await relay.settled()
        client = redis.Redis.from_url(redis_space.url)
        try:
            with caplog.at_level(logging.WARNING, logger="edge.cluster.event_relay"):
                await client.publish(relay.channel, '{"r": "A", "e": [["CP-1", 99]]}')
                await client.publish(
                    relay.channel, '{"r":"A","e":[["CP-2",1,1.0,"1.6","",0,0,"A","c1"]]}'
                )
                event = await asyncio.wait_for(watcher.next(), PATIENCE)
        finally:
            await client.aclose()
    assert event.charge_point_id == "CP-2"
    assert "is not one" in caplog.text


async def test_without_redis_a_watch_settles_and_sees_its_own_replica() -> None:
    async with relayed(f"redis://{closed_address()}/0", "nowhere", "A") as (hub, relay):
        watcher = hub.watch()
        await asyncio.wait_for(relay.settled(within=0.5), PATIENCE)
        hub.connected("CP-1", "1.6")
        assert (await asyncio.wait_for(watcher.next(), PATIENCE)).charge_point_id == "CP-1"
