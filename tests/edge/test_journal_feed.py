"""The edge's feed into the message journal: frames classified and paired with their CALL's
action, batched, kept while the charge point service is away (the oldest dropped beyond the
bound), and, through a real edge, the frames of a station with the journal on and off."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from websockets.asyncio.client import connect

from csms.auth.v1 import auth_pb2_grpc
from csms.chargepoint.v1 import chargepoint_pb2 as pb
from csms.chargepoint.v1 import chargepoint_pb2_grpc
from csms.transaction.v1 import transaction_pb2_grpc
from edge.journal_feed import MAX_PAYLOAD_CHARS, JournalFeed
from servicekit.grpc_server import Registration, start_server
from tests.support.edges import start_edge
from tests.support.fake_services import (
    Context,
    FakeAuth,
    FakeChargePoints,
    FakeTransactions,
    Recorder,
    settings_for,
)
from tests.support.waiting import settled

Entry = pb.JournalEntry
BOOT = {"chargePointVendor": "Acme", "chargePointModel": "Wallbox"}


class FakeService:
    """RecordJournal as a callable: records each batch, or fails with ``failing``."""

    def __init__(self) -> None:
        self.batches: list[list[Entry]] = []
        self.failing: grpc.StatusCode | None = None

    async def __call__(self, request: pb.RecordJournalRequest) -> pb.RecordJournalResponse:
        if self.failing is not None:
            raise grpc.aio.AioRpcError(
                self.failing, grpc.aio.Metadata(), grpc.aio.Metadata(), "down"
            )
        self.batches.append(list(request.entries))
        return pb.RecordJournalResponse()

    @property
    def entries(self) -> list[Entry]:
        return [entry for batch in self.batches for entry in batch]


def _clock() -> Any:
    ticks = iter(range(1_700_000_000, 1_800_000_000))
    return lambda: float(next(ticks))


async def test_frames_are_classified_and_results_get_their_calls_action() -> None:
    service = FakeService()
    journal = JournalFeed(service, now=_clock())
    journal.received("CP1", "1.6", json.dumps([2, "a1", "BootNotification", BOOT]))
    journal.sent("CP1", "1.6", '[3,"a1",{"status":"Accepted"}]')
    journal.sent("CP1", "1.6", '[2,"x\\"1","Reset",{"type":"Hard"}]')
    journal.received("CP2", "2.0.1", '[3,"x\\"1",{}]')  # another station: not an answer
    journal.received("CP1", "1.6", b'[4,"x\\"1","NotSupported","",{}]')
    journal.received("CP1", "1.6", "this is not json\x00")
    journal.sent("CP1", "1.6", '[4,"-1","FormationViolation","not json",{}]')
    journal.received("CP1", "1.6", '[2,"big","DataTransfer",{"data":"' + "x" * MAX_PAYLOAD_CHARS)
    await journal.flush()

    found = [
        (e.charge_point_id, e.direction, e.message_type, e.message_id, e.action)
        for e in service.entries
    ]
    assert found == [
        ("CP1", Entry.IN, Entry.CALL, "a1", "BootNotification"),
        ("CP1", Entry.OUT, Entry.CALL_RESULT, "a1", "BootNotification"),
        ("CP1", Entry.OUT, Entry.CALL, 'x"1', "Reset"),
        ("CP2", Entry.IN, Entry.CALL_RESULT, 'x"1', ""),
        ("CP1", Entry.IN, Entry.CALL_ERROR, 'x"1', "Reset"),
        ("CP1", Entry.IN, Entry.UNPARSABLE, "", ""),
        ("CP1", Entry.OUT, Entry.CALL_ERROR, "-1", ""),
        ("CP1", Entry.IN, Entry.UNPARSABLE, "", ""),  # its head is fine, its end is missing
    ]
    first, unparsable, cut = service.entries[0], service.entries[5], service.entries[-1]
    assert json.loads(first.payload)[3] == BOOT and first.ocpp_version == "1.6"
    assert first.at.seconds < service.entries[1].at.seconds
    assert unparsable.payload == "this is not json\ufffd"
    assert len(cut.payload) == MAX_PAYLOAD_CHARS and cut.truncated
    assert service.entries[3].ocpp_version == "2.0.1"


async def test_batches_hold_at_most_batch_size_and_a_full_one_leaves_at_once() -> None:
    service = FakeService()
    journal = JournalFeed(service, batch_size=3)
    for n in range(7):
        journal.received("CP1", "1.6", f'[2,"{n}","Heartbeat",{{}}]')
    await journal.flush()
    assert [len(batch) for batch in service.batches] == [3, 3, 1]

    # Only the batch size can trigger this flush: the interval is an hour.
    running = JournalFeed(service, batch_size=3, flush_interval=3600)
    running.start()
    try:
        for n in range(3):
            running.received("CP1", "1.6", f'[2,"{n}","Heartbeat",{{}}]')

        async def full_batch_sent() -> bool:
            return len(service.batches) == 4

        await settled(full_batch_sent)
    finally:
        await running.stop()


async def test_while_the_service_is_down_the_oldest_beyond_the_bound_are_dropped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    service = FakeService()
    journal = JournalFeed(service, batch_size=2, capacity=5)
    service.failing = grpc.StatusCode.UNAVAILABLE
    for n in range(4):
        journal.received("CP1", "1.6", f'[2,"{n}","Heartbeat",{{}}]')
    with caplog.at_level(logging.WARNING, logger="edge.journal_feed"):
        await journal.flush()  # fails: the batch is kept
        for n in range(4, 8):
            journal.received("CP1", "1.6", f'[2,"{n}","Heartbeat",{{}}]')
        await journal.flush()
    assert (journal.waiting, journal.dropped) == (5, 3)
    assert "dropped 3 entries" in caplog.text

    service.failing = None
    await journal.flush()
    assert [e.message_id for e in service.entries] == ["3", "4", "5", "6", "7"]
    assert journal.waiting == 0


async def test_a_batch_the_service_refuses_is_dropped_not_retried() -> None:
    service = FakeService()
    journal = JournalFeed(service)
    service.failing = grpc.StatusCode.INVALID_ARGUMENT
    journal.received("CP1", "1.6", '[2,"1","Heartbeat",{}]')
    await journal.flush()
    assert (journal.waiting, journal.dropped) == (0, 1)


class JournallingChargePoints(FakeChargePoints):
    def __init__(self, recorder: Recorder) -> None:
        super().__init__(recorder)
        self.entries: list[Entry] = []

    async def RecordJournal(self, request: Any, context: Context) -> Any:
        self.entries.extend(request.entries)
        return pb.RecordJournalResponse()


@pytest.fixture
async def journalling() -> AsyncIterator[tuple[str, JournallingChargePoints]]:
    recorder = Recorder()
    charge_points = JournallingChargePoints(recorder)
    server = await start_server(
        [
            Registration(
                charge_points,  # type: ignore[abstract]  # only what the edge calls
                chargepoint_pb2_grpc.add_ChargePointServiceServicer_to_server,
                "csms.chargepoint.v1.ChargePointService",
            ),
            Registration(
                FakeTransactions(recorder),  # type: ignore[abstract]
                transaction_pb2_grpc.add_TransactionServiceServicer_to_server,
                "csms.transaction.v1.TransactionService",
            ),
            Registration(
                FakeAuth(recorder),  # type: ignore[abstract]
                auth_pb2_grpc.add_AuthServiceServicer_to_server,
                "csms.auth.v1.AuthService",
            ),
        ],
        "127.0.0.1",
        0,
    )
    yield f"127.0.0.1:{server.port}", charge_points
    await server.stop(0)


async def _station_session(ws_port: int) -> None:
    url = f"ws://127.0.0.1:{ws_port}/ocpp/CP-J"
    async with connect(url, subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps([2, "1", "BootNotification", BOOT]))
        assert json.loads(await ws.recv())[0] == 3
        await ws.send("not json")
        assert json.loads(await ws.recv())[0] == 4


@pytest.mark.parametrize("switch", ["on", "off"])
async def test_an_edge_journals_its_stations_frames_unless_switched_off(
    journalling: tuple[str, JournallingChargePoints], tmp_path: Path, switch: str
) -> None:
    address, charge_points = journalling
    settings = settings_for(tmp_path, address, CSMS_JOURNAL=switch)
    edge = await start_edge(settings)
    try:
        await _station_session(edge.ws_port)
    finally:
        await edge.stop()  # sends what waits
    found = [(e.direction, e.message_type, e.action) for e in charge_points.entries]
    if switch == "off":
        assert edge.journal_feed is None and found == []
        return
    assert found == [
        (Entry.IN, Entry.CALL, "BootNotification"),
        (Entry.OUT, Entry.CALL_RESULT, "BootNotification"),
        (Entry.IN, Entry.UNPARSABLE, ""),
        (Entry.OUT, Entry.CALL_ERROR, ""),
    ]
    assert {e.charge_point_id for e in charge_points.entries} == {"CP-J"}
