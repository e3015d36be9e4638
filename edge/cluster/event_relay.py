"""The fleet's live events across edge replicas, through one Redis channel.

A watcher connected (through Envoy) to any replica must see the stations of all of them.
Each replica's :class:`EventRelay`:

- publishes the events of its own stations (:meth:`EventHub.take_outbox`) every
  :data:`INTERVAL` when there are some, as one ``PUBLISH`` of a compact JSON batch to
  ``P:edge:events`` (``P`` is ``CSMS_REDIS_PREFIX``): ``{"r": replica, "e": [event, ...]}``,
  each event :meth:`Event.to_json`;
- subscribes to that channel only while its process has a watcher, and hands the other
  replicas' batches to its hub (its own events reach its watchers directly);
- learns whether anyone listens from ``PUBLISH``'s answer, or ``PUBSUB NUMSUB`` when it
  has nothing to send: while nobody does, its hub does not even look at frames.

Redis being unreachable costs the watchers the other replicas' events, never a station
anything: a warning says so (at most one per :data:`WARNING_INTERVAL`), and the relay tries
again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time

import redis.asyncio as redis
from redis.exceptions import RedisError

from edge.cluster.directory import REDIS_TIMEOUT
from edge.events import Event, EventHub

LOG = logging.getLogger(__name__)

# How often a replica publishes its events (when it has some) or asks who listens.
INTERVAL = 0.2
WARNING_INTERVAL = 30.0
# How long a new watcher's replica waits after subscribing before the watch is settled:
# the other replicas learn that someone listens at their next round.
SETTLE_ROUNDS = 2


class EventRelay:
    def __init__(self, url: str, prefix: str, hub: EventHub, *, interval: float = INTERVAL):
        self._client: redis.Redis = redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=REDIS_TIMEOUT,
            socket_connect_timeout=REDIS_TIMEOUT,
        )
        self.channel = f"{prefix}:edge:events"
        self._hub = hub
        self._interval = interval
        self._tasks: list[asyncio.Task[None]] = []
        self._subscribed = asyncio.Event()
        self._warned_at: float | None = None
        hub.relayed()

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._publish_forever(), name="event relay: publish"),
            asyncio.create_task(self._listen_forever(), name="event relay: listen"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        await self._client.aclose()

    async def settled(self, within: float = REDIS_TIMEOUT) -> None:
        """Wait until a watch begun now covers every replica: this one listens to the
        channel, and the others have had a round to notice (a bounded wait: without Redis
        the watch covers this replica alone)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._subscribed.wait(), within)
            await asyncio.sleep(SETTLE_ROUNDS * self._interval)

    async def publish_once(self) -> None:
        """One round: send what waits, or ask who listens."""
        events = self._hub.take_outbox()
        if events:
            batch = json.dumps(
                {"r": self._hub.replica, "e": [event.to_json() for event in events]},
                separators=(",", ":"),
            )
            listeners = int(await self._client.publish(self.channel, batch))
        else:
            answer = await self._client.pubsub_numsub(self.channel)
            listeners = int(answer[0][1]) if answer else 0
        # Its own subscription is not another replica's.
        own = 1 if self._subscribed.is_set() else 0
        self._hub.remote_watchers = max(0, listeners - own)

    async def _publish_forever(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.publish_once()
            except RedisError as error:
                self._hub.remote_watchers = 0
                self._warn(f"cannot publish to the other replicas: {error}")

    async def _listen_forever(self) -> None:
        while True:
            await self._hub.watching.wait()
            try:
                await self._listen()
            except RedisError as error:
                self._warn(f"cannot hear the other replicas: {error}")
                await asyncio.sleep(1.0)
            finally:
                self._subscribed.clear()

    async def _listen(self) -> None:
        """Hand the other replicas' batches to the hub while this process has a watcher."""
        pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(self.channel)
            self._subscribed.set()
            while self._hub.watching.is_set():
                message = await pubsub.get_message(timeout=1.0)
                if message is not None:
                    self._receive(message.get("data"))
        finally:
            with contextlib.suppress(RedisError):
                await pubsub.unsubscribe()
            await pubsub.aclose()

    def _receive(self, data: object) -> None:
        try:
            batch = json.loads(str(data))
            if batch["r"] == self._hub.replica:
                return  # this replica's own: its watchers had them first-hand
            events = [Event.from_json(item) for item in batch["e"]]
        except (ValueError, TypeError, KeyError) as error:
            LOG.warning("events: a batch on %s is not one: %s", self.channel, error)
            return
        self._hub.deliver(events)

    def _warn(self, message: str) -> None:
        now = time.monotonic()
        if self._warned_at is None or now - self._warned_at >= WARNING_INTERVAL:
            LOG.warning("events: %s", message)
            self._warned_at = now
