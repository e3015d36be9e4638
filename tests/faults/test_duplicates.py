"""Duplicate deliveries across reconnects and across edge replicas: two real edges in
this process share the real auth and transaction services (no Redis: a station's own
messages need no shared registry). A station whose answer was lost sends the same message
again, on a new connection, to the other replica, with its message id or a new one; it
gets the first answer again and the database holds the message once.

Against SQLite and PostgreSQL (the ``database_url`` fixture).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest

from csms.transaction.v1 import transaction_pb2, transaction_pb2_grpc
from edge.server import RunningEdge
from servicekit.settings import Settings
from tests.faults.support.messages import event_201, meter_values_16, start_16, stop_16
from tests.faults.support.stack import (
    auth_service,
    edges,
    environment,
    migrate_transaction,
    stored,
    transaction_service,
)
from tests.faults.support.station import Answer, Station

TAG_16 = "DUP-TAG-16"
TAG_201 = "DUP-TAG-201"


@dataclass
class Replicas:
    a: RunningEdge
    b: RunningEdge
    settings: Settings
    database_url: str

    async def send(
        self,
        station: Station,
        edge: RunningEdge,
        message_id: str,
        action: str,
        payload: dict[str, object],
    ) -> Answer:
        """Connect ``station`` afresh to ``edge`` (the previous answer was lost with its
        connection) and send the message there."""
        await station.connect(edge.ws_port)
        answer = await station.call(message_id, action, payload)
        assert answer.accepted, answer
        return answer


@pytest.fixture
async def replicas(database_url: str, tmp_path: Path) -> AsyncIterator[Replicas]:
    await migrate_transaction(database_url)
    settings = Settings.from_env(environment(tmp_path, database_url))
    async with (
        auth_service(settings, [TAG_16, TAG_201]),
        transaction_service(settings),
        edges(settings, 2) as (a, b),
    ):
        yield Replicas(a, b, settings, database_url)


async def test_ocpp16_retries_get_the_first_answers_and_store_nothing_twice(
    replicas: Replicas,
) -> None:
    a, b = replicas.a, replicas.b
    station = Station("DUP-16", "ocpp1.6")
    start = start_16(TAG_16, 1000, 0)
    first = await replicas.send(station, a, "start", "StartTransaction", start)
    transaction_id = first.payload["transactionId"]
    assert first.payload["idTagInfo"]["status"] == "Accepted"
    # The answer was lost: the same message on the other replica, then with a new id.
    for edge, message_id in ((b, "start"), (a, "start-again")):
        again = await replicas.send(station, edge, message_id, "StartTransaction", start)
        assert again.payload == first.payload

    meter = meter_values_16(transaction_id, 60, 1500)
    for edge, message_id in ((a, "meter"), (b, "meter"), (a, "meter-again")):
        answer = await replicas.send(station, edge, message_id, "MeterValues", meter)
        assert answer.payload == {}

    stop = stop_16(transaction_id, 2500, 120)
    stopped = await replicas.send(station, b, "stop", "StopTransaction", stop)
    for edge, message_id in ((a, "stop"), (b, "stop-again")):
        again = await replicas.send(station, edge, message_id, "StopTransaction", stop)
        assert again.payload == stopped.payload

    db = await stored(replicas.database_url)
    (transaction,) = db.transactions
    assert (transaction.id, transaction.status) == (transaction_id, "COMPLETED")
    assert (transaction.meter_start_wh, transaction.meter_stop_wh) == (1000, 2500)
    # Not counted twice: the stop applied once, from the start reading.
    assert transaction.energy_wh == 1500
    # Two samples from the MeterValues, two from the stop's transactionData: once each.
    assert len(db.meter_values) == 4
    assert len(db.meter_reports) == 1
    async with grpc.aio.insecure_channel(replicas.settings.network.transaction_address) as channel:
        stub = transaction_pb2_grpc.TransactionServiceStub(channel)
        page = await stub.ListTransactions(
            transaction_pb2.ListTransactionsRequest(charge_point_id="DUP-16")
        )
        assert [tx.id for tx in page.transactions] == [transaction_id]
        got = await stub.GetTransaction(transaction_pb2.GetTransactionRequest(id=transaction_id))
        assert [len(mv.sampled_values) for mv in got.meter_values] == [2, 2]


async def test_ocpp201_repeated_seq_nos_get_the_first_answers_and_store_nothing_twice(
    replicas: Replicas,
) -> None:
    a, b = replicas.a, replicas.b
    station = Station("DUP-201", "ocpp2.0.1")
    events = [
        event_201("Started", "DUP-TX-1", 0, seconds=0, wh=1000, id_tag=TAG_201),
        event_201("Updated", "DUP-TX-1", 1, seconds=60, wh=1600),
        event_201("Ended", "DUP-TX-1", 2, seconds=120, wh=2200, id_tag=TAG_201),
    ]
    for seq_no, event in enumerate(events):
        first = await replicas.send(station, a, f"event-{seq_no}", "TransactionEvent", event)
        # Lost: again on the other replica with the same message id, then with a new one.
        for edge, message_id in ((b, f"event-{seq_no}"), (a, f"event-{seq_no}-again")):
            again = await replicas.send(station, edge, message_id, "TransactionEvent", event)
            assert again.payload == first.payload, seq_no

    db = await stored(replicas.database_url)
    (transaction,) = db.transactions
    assert transaction.station_transaction_id == "DUP-TX-1"
    assert transaction.status == "COMPLETED"
    assert (transaction.meter_start_wh, transaction.meter_stop_wh) == (1000, 2200)
    assert transaction.energy_wh == 1200
    assert [event.seq_no for event in db.events_of(transaction.id)] == [0, 1, 2]
    assert len(db.samples_of(transaction.id)) == 3


async def test_ocpp201_meter_values_repeated_on_another_replica_are_stored_once(
    replicas: Replicas,
) -> None:
    """2.0.1 MeterValues (outside a transaction) travel as the same RecordMeterValues."""
    station = Station("DUP-201-MV", "ocpp2.0.1")
    meter = {
        "evseId": 1,
        "meterValue": [
            {
                "timestamp": "2026-05-01T08:00:00Z",
                "sampledValue": [{"value": 42.0, "measurand": "Voltage"}],
            }
        ],
    }
    for edge, message_id in ((replicas.a, "mv"), (replicas.b, "mv"), (replicas.b, "mv-again")):
        await replicas.send(station, edge, message_id, "MeterValues", meter)
    db = await stored(replicas.database_url)
    assert [(row.transaction_id, row.value) for row in db.meter_values] == [(None, 42.0)]


async def test_ocpp201_events_that_share_a_seq_no_are_not_taken_for_repeats(
    replicas: Replicas,
) -> None:
    """A station that numbers every event 0 (issue 12, defect 5): its Ended event ends the
    transaction and frees its id token; each event repeated is still stored once; an event
    after the Ended one leaves the completed transaction's meter data as it was."""
    a, b = replicas.a, replicas.b
    station = Station("DUP-201-ZERO", "ocpp2.0.1")
    events = [
        event_201("Started", "ZERO-TX-1", 0, seconds=0, wh=1000, id_tag=TAG_201),
        event_201("Updated", "ZERO-TX-1", 0, seconds=60, wh=1600),
        event_201("Ended", "ZERO-TX-1", 0, seconds=120, wh=2200, id_tag=TAG_201),
    ]
    answers = []
    for index, event in enumerate(events):
        first = await replicas.send(station, a, f"zero-{index}", "TransactionEvent", event)
        again = await replicas.send(station, b, f"zero-{index}-again", "TransactionEvent", event)
        assert again.payload == first.payload, index
        answers.append(first.payload)
    assert answers[0]["idTokenInfo"]["status"] == "Accepted"
    assert answers[2]["idTokenInfo"]["status"] == "Accepted"

    before = await stored(replicas.database_url)
    (transaction,) = before.transactions
    assert transaction.status == "COMPLETED"
    assert (transaction.meter_start_wh, transaction.meter_stop_wh) == (1000, 2200)
    assert transaction.energy_wh == 1200
    assert [e.event_type for e in before.events_of(transaction.id)] == [
        "STARTED",
        "UPDATED",
        "ENDED",
    ]
    assert len(before.samples_of(transaction.id)) == 3

    # Late: an Updated after the Ended one is answered, and changes nothing of the
    # completed transaction.
    late = event_201("Updated", "ZERO-TX-1", 0, seconds=180, wh=9000)
    await replicas.send(station, a, "zero-late", "TransactionEvent", late)
    after = await stored(replicas.database_url)
    (unchanged,) = after.transactions
    assert unchanged._mapping == transaction._mapping
    assert after.samples_of(transaction.id) == before.samples_of(transaction.id)

    # The id token is no longer in a transaction: the next one starts Accepted, not
    # ConcurrentTx.
    next_start = event_201("Started", "ZERO-TX-2", 0, seconds=240, wh=2200, id_tag=TAG_201)
    started = await replicas.send(station, b, "zero-next", "TransactionEvent", next_start)
    assert started.payload["idTokenInfo"]["status"] == "Accepted"
