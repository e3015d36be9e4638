"""The relay of the API's events to a page (console.live.Relay): per station at most one
event a second, the fleet's counts and table at most every two seconds, newcomers followed."""

from __future__ import annotations

from typing import Any

import pytest

from console.live import Relay
from console.rendering import station_key

pytestmark = pytest.mark.unit


def _event(station: str, kind: str = "MESSAGE", action: str = "", **more: str) -> dict[str, Any]:
    return {"chargePointId": station, "kind": kind, "action": action, **more}


def _names(frames: list[str]) -> list[str]:
    return [frame.split("\n", 1)[0].removeprefix("event: ") for frame in frames]


def test_a_station_on_the_page_is_told_at_most_once_a_second() -> None:
    relay = Relay({"CP-1"}, fleet=False)
    key = station_key("CP-1")
    assert _names(relay.take(_event("CP-1", action="MeterValues"), now=10.0)) == [key]
    assert _names(relay.take(_event("CP-1", action="MeterValues"), now=10.5)) == []
    # The change seen meanwhile is told once the second is over, not lost.
    assert _names(relay.due(now=11.0)) == [key]
    assert _names(relay.due(now=12.5)) == []


def test_a_station_not_on_the_page_is_not_told_to_a_station_page() -> None:
    relay = Relay({"CP-1"}, fleet=False)
    assert relay.take(_event("CP-2", kind="CONNECTED"), now=1.0) == []


def test_the_fleet_page_hears_of_counts_newcomers_and_recent_changes() -> None:
    relay = Relay({"CP-1"}, fleet=True)
    frames = relay.take(_event("NEW-1", kind="CONNECTED", at="2026-01-01T00:00:00Z"), now=5.0)
    names = _names(frames)
    assert names[0] == "recent" and "NEW-1" in frames[0] and "connected" in frames[0]
    assert set(names[1:]) == {station_key("NEW-1"), "fleet", "fleet-new"}
    # The newcomer is followed from now on; counts and the table wait two seconds.
    boot = _event("NEW-1", action="BootNotification", direction="IN", messageType="CALL")
    assert _names(relay.take(boot, now=6.0)) == ["recent", station_key("NEW-1")]
    assert set(_names(relay.due(now=7.1))) == {"fleet", "fleet-new"}


def test_a_station_elsewhere_in_the_fleet_leaving_does_not_refresh_the_table() -> None:
    relay = Relay({"CP-1"}, fleet=True)
    names = _names(relay.take(_event("FAR-9", kind="DISCONNECTED"), now=1.0))
    assert "fleet" in names and "fleet-new" not in names
    assert station_key("FAR-9") not in names


def test_recent_lines_are_capped_per_second() -> None:
    relay = Relay(set(), fleet=True)
    recent = 0
    for i in range(30):
        event = _event(f"S-{i}", action="StatusNotification", direction="IN", messageType="CALL")
        recent += _names(relay.take(event, now=3.2)).count("recent")
    assert recent == 10
