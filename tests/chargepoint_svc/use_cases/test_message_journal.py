"""The message journal's rules and use cases, on the in-memory store."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from chargepoint_svc.adapters.memory import MemoryStore, MemoryUnitOfWork
from chargepoint_svc.domain.charge_point import ChargePoint, ChargePointId, RegistrationStatus
from chargepoint_svc.domain.journal import (
    MAX_PAYLOAD_CHARS,
    Direction,
    JournalCursor,
    JournalEntry,
    MessageType,
)
from chargepoint_svc.errors import ChargePointNotFound, InvalidReport
from chargepoint_svc.use_cases.message_journal import MessageJournal
from servicekit.clock import FixedClock
from servicekit.errors import InvalidArgument
from servicekit.pagination import PageRequest

pytestmark = pytest.mark.unit


T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
CP1 = ChargePointId("CP1")
RETENTION = timedelta(hours=24)


def entry(
    seconds: float,
    action: str = "Heartbeat",
    *,
    direction: Direction = Direction.IN,
    message_type: MessageType = MessageType.CALL,
    charge_point_id: str = CP1,
) -> JournalEntry:
    return JournalEntry(
        charge_point_id=ChargePointId(charge_point_id),
        at=T0 + timedelta(seconds=seconds),
        direction=direction,
        message_type=message_type,
        message_id=f"m{seconds}",
        action=action,
        payload=f'[2, "m{seconds}", "{action}", {{}}]',
        truncated=False,
        ocpp_version="1.6",
    )


class Harness:
    def __init__(self) -> None:
        self.store = MemoryStore()
        self.clock = FixedClock(T0 + timedelta(hours=1))
        self.journal = MessageJournal(lambda: MemoryUnitOfWork(self.store), self.clock, RETENTION)

    async def ids(self, page_size: int = 0, token: str = "", **filters: object) -> list[str]:
        page = await self.journal.list_messages(
            CP1,
            PageRequest.parse(page_size, token),
            **filters,  # type: ignore[arg-type]
        )
        return [found.message_id for found in page.messages]


def test_an_entry_refuses_an_uncut_payload_and_overlong_fields() -> None:
    with pytest.raises(InvalidReport, match="truncated"):
        dataclasses.replace(entry(0), payload="x" * (MAX_PAYLOAD_CHARS + 1))
    with pytest.raises(InvalidReport, match="message_id"):
        dataclasses.replace(entry(0), message_id="x" * 65)
    with pytest.raises(InvalidReport, match="charge point id"):
        entry(0, charge_point_id="")


def test_a_cursor_survives_its_text_and_refuses_junk() -> None:
    cursor = JournalCursor(T0 + timedelta(microseconds=5), 42)
    assert JournalCursor.parse(cursor.text()) == cursor
    for junk in ("", "yesterday|1", f"{T0.isoformat()}|x", "2025-03-01T12:00:00|1"):
        with pytest.raises(InvalidArgument, match="page_token"):
            JournalCursor.parse(junk)


async def test_newest_first_in_pages_and_same_instant_by_arrival() -> None:
    harness = Harness()
    same = [dataclasses.replace(entry(5), message_id=name) for name in ("a", "b")]
    await harness.journal.record([entry(1), entry(3), *same, entry(2)])

    assert await harness.ids() == ["b", "a", "m3", "m2", "m1"]
    first = await harness.journal.list_messages(CP1, PageRequest.parse(2, ""))
    assert [found.message_id for found in first.messages] == ["b", "a"]
    assert await harness.ids(2, first.next_page_token) == ["m3", "m2"]
    second = await harness.journal.list_messages(CP1, PageRequest.parse(2, first.next_page_token))
    last = await harness.journal.list_messages(CP1, PageRequest.parse(2, second.next_page_token))
    assert [found.message_id for found in last.messages] == ["m1"]
    assert last.next_page_token == ""


async def test_filters_by_time_range_and_action() -> None:
    harness = Harness()
    await harness.journal.record(
        [entry(1, "BootNotification"), entry(2), entry(3), entry(4, "StatusNotification")]
    )
    since, until = T0 + timedelta(seconds=2), T0 + timedelta(seconds=4)
    assert await harness.ids(since=since, until=until) == ["m3", "m2"]
    assert await harness.ids(actions=["BootNotification", "StatusNotification"]) == ["m4", "m1"]
    assert await harness.ids(since=since, actions=["BootNotification"]) == []
    with pytest.raises(InvalidArgument, match="before"):
        await harness.ids(since=until, until=since)


async def test_entries_past_the_retention_are_never_shown_and_purged_in_batches() -> None:
    harness = Harness()
    oldest = 3600 - RETENTION.total_seconds()  # T0 + 1 h - 24 h
    old = [dataclasses.replace(entry(oldest + n), message_id=f"old{n}") for n in range(5)]
    await harness.journal.record([*old, entry(3599)])
    harness.clock.at = T0 + timedelta(hours=1, seconds=3)
    # Entries at now - 24 h and later are within the retention.
    assert await harness.ids() == ["m3599", "old4", "old3"]

    assert await harness.journal.purge(batch=2) == 3
    assert len(harness.store.journal) == 3
    assert await harness.journal.purge(batch=2) == 0


async def test_an_unknown_charge_point_is_not_found_unless_it_has_entries() -> None:
    harness = Harness()
    with pytest.raises(ChargePointNotFound):
        await harness.ids()
    async with MemoryUnitOfWork(harness.store) as uow:
        await uow.charge_points.add(ChargePoint.register(CP1, RegistrationStatus.ACCEPTED, T0))
        await uow.commit()
    assert await harness.ids() == []
    other = Harness()
    await other.journal.record([entry(1)])
    assert await other.ids() == ["m1"]
