"""The message journal through the real server: RecordJournal, ListMessages and the
background purge, over SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy import select

from chargepoint_svc.adapters.tables import journal_entries
from chargepoint_svc.server import start
from csms.chargepoint.v1 import chargepoint_pb2 as pb
from csms.chargepoint.v1 import chargepoint_pb2_grpc
from servicekit import migrations
from servicekit.channels import open_channel
from servicekit.database import create_engine
from servicekit.settings import Settings
from tests.support.waiting import settled

if TYPE_CHECKING:
    from csms.chargepoint.v1.chargepoint_pb2_grpc import ChargePointServiceAsyncStub as Stub

Entry = pb.JournalEntry
NOW = datetime.now(UTC)


def _stamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def _entry(message_id: str, action: str, age: timedelta, **fields: object) -> Entry:
    made = Entry(
        charge_point_id="CP1",
        at=_stamp(NOW - age),
        direction=Entry.IN,
        message_type=Entry.CALL,
        message_id=message_id,
        action=action,
        payload=f'[2,"{message_id}","{action}",{{}}]',
        ocpp_version="1.6",
    )
    for name, value in fields.items():
        setattr(made, name, value)
    return made


@pytest.fixture
async def stub(database_url: str, tmp_path: Path) -> AsyncIterator[Stub]:
    await asyncio.to_thread(migrations.upgrade, "chargepoint", database_url)
    settings = Settings.from_env(
        {
            "CSMS_DATA_DIR": str(tmp_path),
            "CSMS_CHARGEPOINT_DATABASE_URL": database_url,
            "CSMS_JOURNAL_RETENTION": "1",
        }
    )
    service = await start(
        settings.network, settings.storage, settings.charge_points, port=0, purge_interval=0.05
    )
    channel = open_channel(f"127.0.0.1:{service.port}")
    try:
        yield chargepoint_pb2_grpc.ChargePointServiceStub(channel)
    finally:
        await channel.close(None)
        await service.stop()


async def test_recorded_entries_are_listed_newest_first_and_filtered(stub: Stub) -> None:
    minute = timedelta(minutes=1)
    await stub.RecordJournal(
        pb.RecordJournalRequest(
            entries=[
                _entry("1", "BootNotification", 3 * minute),
                _entry(
                    "1",
                    "BootNotification",
                    2 * minute,
                    direction=Entry.OUT,
                    message_type=Entry.CALL_RESULT,
                ),
                _entry("2", "Heartbeat", minute),
                _entry("0", "Heartbeat", timedelta(hours=2)),  # past the 1 h retention
            ]
        )
    )
    listed = await stub.ListMessages(pb.ListMessagesRequest(charge_point_id="CP1"))
    assert [(m.message_id, m.direction, m.message_type) for m in listed.messages] == [
        ("2", Entry.IN, Entry.CALL),
        ("1", Entry.OUT, Entry.CALL_RESULT),
        ("1", Entry.IN, Entry.CALL),
    ]
    assert listed.messages[0].ocpp_version == "1.6"

    boots = await stub.ListMessages(
        pb.ListMessagesRequest(charge_point_id="CP1", actions=["BootNotification"], page_size=1)
    )
    assert [m.direction for m in boots.messages] == [Entry.OUT]
    rest = await stub.ListMessages(
        pb.ListMessagesRequest(
            charge_point_id="CP1",
            actions=["BootNotification"],
            page_token=boots.next_page_token,
        )
    )
    assert [m.direction for m in rest.messages] == [Entry.IN] and not rest.next_page_token

    window = await stub.ListMessages(
        pb.ListMessagesRequest(
            charge_point_id="CP1",
            from_time=_stamp(NOW - 150 * timedelta(seconds=1)),
            to_time=_stamp(NOW - timedelta(seconds=30)),
        )
    )
    assert [m.message_id for m in window.messages] == ["2", "1"]


async def test_the_service_purges_expired_entries_in_the_background(
    stub: Stub, database_url: str
) -> None:
    old = _entry("0", "Heartbeat", timedelta(hours=2))  # past the 1 h retention
    await stub.RecordJournal(
        pb.RecordJournalRequest(entries=[old, _entry("1", "Heartbeat", timedelta(0))])
    )
    engine = create_engine(database_url, "chargepoint")

    async def purged() -> bool:
        async with engine.connect() as connection:
            ids = await connection.scalars(select(journal_entries.c.message_id))
            return list(ids) == ["1"]

    try:
        await settled(purged, what="the expired entry deleted")
    finally:
        await engine.dispose()


async def test_bad_requests_are_invalid_arguments(stub: Stub) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.ListMessages(pb.ListMessagesRequest(charge_point_id="CP1", page_token="junk"))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.ListMessages(pb.ListMessagesRequest(charge_point_id="NOBODY"))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.RecordJournal(
            pb.RecordJournalRequest(entries=[_entry("1", "Heartbeat", timedelta(0), direction=0)])
        )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
