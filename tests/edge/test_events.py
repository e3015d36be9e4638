"""The event hub without sockets: fan-out to every watcher, the filter by station, the
bounded queue that drops the oldest and counts them, the KEEPALIVE of an idle watcher, the
action of a result from its CALL, the cost of nobody watching, and the relay's batches."""

from __future__ import annotations

import asyncio
import json

import pytest

from edge.events import Direction, Event, EventHub, Kind, MessageType


def _now() -> float:
    return 1_700_000_000.5


def hub(**options: int | float) -> EventHub:
    return EventHub("replica-1", now=_now, **options)  # type: ignore[arg-type]


async def test_every_watcher_gets_every_event_stamped_with_the_replica() -> None:
    events = hub()
    first, second = events.watch(), events.watch()
    events.connected("CP-1", "1.6", "socket-1")
    for watcher in (first, second):
        assert await watcher.next() == Event(
            "CP-1", Kind.CONNECTED, _now(), "1.6", replica="replica-1", connection="socket-1"
        )


async def test_a_watcher_sees_only_the_stations_it_asked_for() -> None:
    events = hub(keepalive=0.01)
    only_b = events.watch(["CP-B"])
    events.connected("CP-A", "1.6")
    events.connected("CP-B", "2.0.1")
    events.disconnected("CP-A", "1.6")
    assert (await only_b.next()).charge_point_id == "CP-B"
    assert (await only_b.next()).kind is Kind.KEEPALIVE  # nothing else came


async def test_frames_become_messages_whose_answers_name_the_call_they_answer() -> None:
    events = hub()
    watcher = events.watch()
    events.received("CP-1", "1.6", '[2, "m1", "BootNotification", {}]')
    events.sent("CP-1", "1.6", '[3, "m1", {"status": "Accepted"}]')
    events.sent("CP-1", "1.6", b'[2, "c1", "Reset", {"type": "Soft"}]')
    events.received("CP-1", "1.6", '[4, "c1", "NotSupported", "", {}]')
    events.received("CP-1", "1.6", "not json")
    seen = [await watcher.next() for _ in range(5)]
    assert [(e.direction, e.message_type, e.action) for e in seen] == [
        (Direction.IN, MessageType.CALL, "BootNotification"),
        (Direction.OUT, MessageType.CALL_RESULT, "BootNotification"),
        (Direction.OUT, MessageType.CALL, "Reset"),
        (Direction.IN, MessageType.CALL_ERROR, "Reset"),
        (Direction.IN, MessageType.NONE, ""),
    ]
    assert {e.kind for e in seen} == {Kind.MESSAGE}


async def test_a_slow_watcher_loses_its_oldest_events_and_is_told_how_many() -> None:
    events = hub(capacity=3, keepalive=0.01)
    slow = events.watch()
    for number in range(5):
        events.connected(f"CP-{number}", "1.6")
    assert [(await slow.next()).charge_point_id for _ in range(3)] == ["CP-2", "CP-3", "CP-4"]
    assert slow.lost == 2
    keepalive = await slow.next()
    assert (keepalive.kind, keepalive.lost, keepalive.charge_point_id) == (Kind.KEEPALIVE, 2, "")


async def test_an_idle_watcher_gets_a_keepalive_each_interval() -> None:
    events = hub(keepalive=0.05)
    watcher = events.watch()
    loop = asyncio.get_running_loop()
    started = loop.time()
    kinds = [(await watcher.next()).kind for _ in range(2)]
    assert kinds == [Kind.KEEPALIVE, Kind.KEEPALIVE]
    assert loop.time() - started >= 0.1


async def test_while_nobody_watches_frames_are_not_looked_at() -> None:
    events = hub()
    events.relayed()
    events.received("CP-1", "1.6", '[2, "m1", "Heartbeat", {}]')
    assert not events.watched and events.take_outbox() == []
    watcher = events.watch()
    assert events.watched
    events.unwatch(watcher)
    assert not events.watched and not events.watching.is_set()


async def test_events_wait_for_the_relay_only_while_another_replica_listens() -> None:
    events = hub()
    events.relayed()
    events.connected("CP-1", "1.6")
    assert events.take_outbox() == []
    events.remote_watchers = 1
    events.connected("CP-2", "1.6")
    assert [e.charge_point_id for e in events.take_outbox()] == ["CP-2"]
    assert events.take_outbox() == []


async def test_another_replicas_events_reach_the_watchers_of_their_stations() -> None:
    events = hub()
    watcher = events.watch(["CP-9"])
    other = Event("CP-9", Kind.DISCONNECTED, 1.0, "2.1", replica="replica-2")
    events.deliver([Event("CP-8", Kind.CONNECTED, 1.0, "1.6", replica="replica-2"), other])
    assert await watcher.next() == other


def test_an_event_goes_between_replicas_as_compact_json() -> None:
    event = Event(
        "CP-1",
        Kind.MESSAGE,
        1.25,
        "2.0.1",
        "Heartbeat",
        Direction.IN,
        MessageType.CALL,
        "replica-1",
    )
    wire = json.dumps(event.to_json(), separators=(",", ":"))
    assert wire == '["CP-1",3,1.25,"2.0.1","Heartbeat",1,1,"replica-1",""]'
    assert Event.from_json(json.loads(wire)) == event


@pytest.mark.parametrize(
    "item",
    [
        [],
        ["CP-1", 1, 1.0, "", "", 0, 0, ""],
        ["CP-1", 9, 1.0, "", "", 0, 0, "", ""],
        ["CP-1", 1, "x", "", "", 0, 0, "", ""],
        [1] * 9,
    ],
)
def test_what_is_not_an_event_is_refused(item: list[object]) -> None:
    with pytest.raises((ValueError, TypeError)):
        Event.from_json(item)
