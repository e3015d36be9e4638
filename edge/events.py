"""The fleet's live events, fanned out to whoever watches them (``WatchEvents``, issue 14).

One :class:`EventHub` per edge process. Sessions tell it when they open and close and hand
it every frame they receive or send, as they hand them to the journal feed; each
:class:`Watcher` (one per ``WatchEvents`` stream) gets the events of the stations it asked
for in its own bounded queue.

Neither a watcher nor the hub may ever slow a station down:

- while nobody watches (no watcher here, none on another replica:
  :attr:`EventHub.remote_watchers`), an event costs one attribute test: frames are not
  even looked at;
- a watcher that reads too slowly loses its oldest events, never blocks the session that
  publishes; what it lost is counted (:attr:`Watcher.lost`) and said in its next KEEPALIVE.

Across edge replicas (Redis configured), :mod:`edge.cluster.event_relay` sends the events
published here to the other replicas (:meth:`EventHub.take_outbox`) and hands theirs to this
hub's watchers (:meth:`EventHub.deliver`).

A MESSAGE event is classified by the frame's head as the journal does
(:func:`edge.journal_feed.frame_head`, OCPP-J 1.6 §4.2); a result or error gets the action
of the CALL it answers when the hub saw that CALL, remembered per charge point, direction
and message id while someone watches.
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable, Collection
from dataclasses import dataclass

from edge.journal_feed import MAX_OPEN_CALLS, frame_head

# A watcher with no event for this long gets a KEEPALIVE, so that proxies on the way
# (Envoy's stream idle timeout, a browser's, a load balancer's) never see an idle stream.
KEEPALIVE_INTERVAL = 15.0
# Events one watcher may have waiting; beyond that it loses the oldest.
QUEUE_SIZE = 1000
# Events waiting for the relay to other replicas, at most (it sends them every 200 ms).
OUTBOX_SIZE = 10_000


class Kind(enum.IntEnum):
    """As ``FleetEvent.Kind``."""

    CONNECTED = 1
    DISCONNECTED = 2
    MESSAGE = 3
    KEEPALIVE = 4


class Direction(enum.IntEnum):
    """As ``FleetEvent.Direction``; 0: not a MESSAGE."""

    NONE = 0
    IN = 1
    OUT = 2


class MessageType(enum.IntEnum):
    """As ``FleetEvent.MessageType``; 0: not a MESSAGE, or an unparsable frame."""

    NONE = 0
    CALL = 1
    CALL_RESULT = 2
    CALL_ERROR = 3


@dataclass(frozen=True)
class Event:
    charge_point_id: str
    kind: Kind
    # time.time() when the edge saw it.
    at: float
    ocpp_version: str = ""
    action: str = ""
    direction: Direction = Direction.NONE
    message_type: MessageType = MessageType.NONE
    replica: str = ""
    # CONNECTED and DISCONNECTED: the socket's id (Session.connection_id), which tells an
    # older socket closing after a newer one took its place from the station leaving.
    connection: str = ""
    # KEEPALIVE only: the events the watcher lost so far.
    lost: int = 0

    def to_json(self) -> list[object]:
        """Compact, for the relay between replicas."""
        return [
            self.charge_point_id,
            int(self.kind),
            self.at,
            self.ocpp_version,
            self.action,
            int(self.direction),
            int(self.message_type),
            self.replica,
            self.connection,
        ]

    @classmethod
    def from_json(cls, item: list[object]) -> Event:
        """An event of :meth:`to_json`; raises ValueError (or TypeError) on anything else."""
        cp, kind, at, version, action, direction, message_type, replica, connection = item
        if not all(isinstance(text, str) for text in (cp, version, action, replica, connection)):
            raise ValueError(f"not an event: {item!r}")
        if not isinstance(kind, int) or not isinstance(at, int | float):
            raise ValueError(f"not an event: {item!r}")
        if not isinstance(direction, int) or not isinstance(message_type, int):
            raise ValueError(f"not an event: {item!r}")
        return cls(
            charge_point_id=str(cp),
            kind=Kind(kind),
            at=float(at),
            ocpp_version=str(version),
            action=str(action),
            direction=Direction(direction),
            message_type=MessageType(message_type),
            replica=str(replica),
            connection=str(connection),
        )


class Watcher:
    """One stream's queue: the events of the stations it asked for (every station when
    none), at most ``capacity`` of them waiting."""

    def __init__(
        self,
        charge_point_ids: Collection[str],
        *,
        capacity: int,
        keepalive: float,
        now: Callable[[], float],
    ) -> None:
        self._only = frozenset(charge_point_ids)
        self._queue: deque[Event] = deque()
        self._capacity = capacity
        self._keepalive = keepalive
        self._now = now
        self._ready = asyncio.Event()
        self.lost = 0
        """Events dropped because the queue was full, since the watch began."""

    def wants(self, charge_point_id: str) -> bool:
        return not self._only or charge_point_id in self._only

    def offer(self, event: Event) -> None:
        if not self.wants(event.charge_point_id):
            return
        if len(self._queue) >= self._capacity:
            self._queue.popleft()
            self.lost += 1
        self._queue.append(event)
        self._ready.set()

    async def next(self) -> Event:
        """The oldest event waiting; a KEEPALIVE when none comes within the interval."""
        if not self._queue:
            self._ready.clear()
            try:
                await asyncio.wait_for(self._ready.wait(), self._keepalive)
            except TimeoutError:
                return self.keepalive()
        return self._queue.popleft()

    def keepalive(self) -> Event:
        return Event("", Kind.KEEPALIVE, self._now(), lost=self.lost)

    async def __aiter__(self) -> AsyncIterator[Event]:
        while True:
            yield await self.next()


class EventHub:
    def __init__(
        self,
        replica: str = "",
        *,
        capacity: int = QUEUE_SIZE,
        keepalive: float = KEEPALIVE_INTERVAL,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.replica = replica
        self._capacity = capacity
        self._keepalive = keepalive
        self._now = now
        self._watchers: set[Watcher] = set()
        self._open_calls: OrderedDict[tuple[str, Direction, str], str] = OrderedDict()
        # Events published here for the relay to other replicas; None without a relay.
        self._outbox: deque[Event] | None = None
        self.remote_watchers = 0
        """How many replicas listen for this replica's events (the relay keeps it)."""
        self.watching = asyncio.Event()
        """Set while this process has a watcher (the relay listens to the others then)."""

    @property
    def watched(self) -> bool:
        """Whether anyone, here or on another replica, watches now."""
        return bool(self._watchers) or self.remote_watchers > 0

    @property
    def watchers(self) -> int:
        return len(self._watchers)

    def relayed(self) -> None:
        """A relay to other replicas takes this hub's events from now on."""
        if self._outbox is None:
            self._outbox = deque(maxlen=OUTBOX_SIZE)

    def take_outbox(self) -> list[Event]:
        """The events published here since the last call, for the other replicas."""
        if not self._outbox:
            return []
        events = list(self._outbox)
        self._outbox.clear()
        return events

    def connected(self, charge_point_id: str, ocpp_version: str, connection: str = "") -> None:
        if self.watched:
            self._session(Kind.CONNECTED, charge_point_id, ocpp_version, connection)

    def disconnected(self, charge_point_id: str, ocpp_version: str, connection: str = "") -> None:
        if self.watched:
            self._session(Kind.DISCONNECTED, charge_point_id, ocpp_version, connection)

    def _session(self, kind: Kind, charge_point_id: str, version: str, connection: str) -> None:
        event = Event(
            charge_point_id, kind, self._now(), version, replica=self.replica, connection=connection
        )
        self._publish(event)

    def received(self, charge_point_id: str, ocpp_version: str, frame: str | bytes) -> None:
        if self.watched:
            self._message(charge_point_id, ocpp_version, Direction.IN, frame)

    def sent(self, charge_point_id: str, ocpp_version: str, frame: str | bytes) -> None:
        if self.watched:
            self._message(charge_point_id, ocpp_version, Direction.OUT, frame)

    def deliver(self, events: Collection[Event]) -> None:
        """Hand events of another replica to this process's watchers."""
        for event in events:
            for watcher in self._watchers:
                watcher.offer(event)

    def watch(self, charge_point_ids: Collection[str] = ()) -> Watcher:
        """A new watcher; :meth:`unwatch` it when its stream ends."""
        watcher = Watcher(
            charge_point_ids, capacity=self._capacity, keepalive=self._keepalive, now=self._now
        )
        self._watchers.add(watcher)
        self.watching.set()
        return watcher

    def unwatch(self, watcher: Watcher) -> None:
        self._watchers.discard(watcher)
        if not self._watchers:
            self.watching.clear()
            self._open_calls.clear()

    def _message(
        self, charge_point_id: str, ocpp_version: str, direction: Direction, frame: str | bytes
    ) -> None:
        text = frame.decode("utf-8", "replace") if isinstance(frame, bytes) else frame
        head = frame_head(text)
        message_type, action = MessageType.NONE, ""
        if head is not None:
            message_type, message_id, action = MessageType(head[0]), head[1], head[2]
            if message_type is MessageType.CALL:
                self._open_calls[(charge_point_id, direction, message_id)] = action
                if len(self._open_calls) > MAX_OPEN_CALLS:
                    self._open_calls.popitem(last=False)
            else:
                other = Direction.OUT if direction is Direction.IN else Direction.IN
                action = self._open_calls.pop((charge_point_id, other, message_id), "")
        self._publish(
            Event(
                charge_point_id,
                Kind.MESSAGE,
                self._now(),
                ocpp_version,
                action=action,
                direction=direction,
                message_type=message_type,
                replica=self.replica,
            )
        )

    def _publish(self, event: Event) -> None:
        for watcher in self._watchers:
            watcher.offer(event)
        if self._outbox is not None and self.remote_watchers > 0:
            self._outbox.append(event)
