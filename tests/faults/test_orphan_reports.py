"""OCPP 1.6 StopTransaction and MeterValues naming a transaction the CSMS does not know, or
one of another station, through a real edge and the real services (issue 12, defect 4).

OCPP 1.6 §4.10: the CSMS must not withhold StopTransaction.conf for a failed check, or the
station retries and then throws its energy data away. Each is answered as usual, its data
kept once as an orphan report of the station that sent it, and no other station's
transaction is touched. Against SQLite and PostgreSQL (the ``database_url`` fixture).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from edge.server import RunningEdge
from servicekit.settings import Settings
from tests.faults.support.messages import meter_values_16, start_16, stop_16
from tests.faults.support.stack import (
    auth_service,
    edges,
    environment,
    migrate_transaction,
    stored,
    transaction_service,
)
from tests.faults.support.station import Answer, Station

TAG_A = "ORPHAN-TAG-A"
TAG_B = "ORPHAN-TAG-B"
UNKNOWN_ID = 987_654


@dataclass
class Stack:
    edge: RunningEdge
    database_url: str


@pytest.fixture
async def stack(database_url: str, tmp_path: Path) -> AsyncIterator[Stack]:
    await migrate_transaction(database_url)
    settings = Settings.from_env(environment(tmp_path, database_url))
    async with (
        auth_service(settings, [TAG_A, TAG_B]),
        transaction_service(settings),
        edges(settings, 1) as (edge,),
    ):
        yield Stack(edge, database_url)


async def _call(
    station: Station, edge: RunningEdge, message_id: str, action: str, payload: dict[str, object]
) -> Answer:
    """On a fresh connection (a retry's previous answer was lost with its connection)."""
    await station.connect(edge.ws_port)
    try:
        return await station.call(message_id, action, payload)
    finally:
        await station.disconnect()


async def test_a_stop_or_meter_values_for_no_transaction_of_the_station_are_answered_and_kept(
    stack: Stack,
) -> None:
    a = Station("ORPHAN-A", "ocpp1.6")
    b = Station("ORPHAN-B", "ocpp1.6")
    started = await _call(a, stack.edge, "start", "StartTransaction", start_16(TAG_A, 1000, 0))
    transaction_id = started.payload["transactionId"]
    before = (await stored(stack.database_url)).transactions

    # Station B names A's transaction: answered, A's transaction untouched.
    foreign_stop = {**stop_16(transaction_id, 9000, 60), "idTag": TAG_B}
    stop_answer = await _call(b, stack.edge, "b-stop", "StopTransaction", foreign_stop)
    assert stop_answer.accepted, stop_answer
    assert stop_answer.payload["idTagInfo"]["status"] == "Accepted"
    meter_answer = await _call(
        b, stack.edge, "b-meter", "MeterValues", meter_values_16(transaction_id, 30, 5000)
    )
    assert meter_answer.accepted and meter_answer.payload == {}, meter_answer

    # Station A stops a transaction nobody knows, and retries it after losing the answer,
    # with the same message id and then a new one.
    unknown_stop = stop_16(UNKNOWN_ID, 3000, 90)
    answers = [
        await _call(a, stack.edge, message_id, "StopTransaction", unknown_stop)
        for message_id in ("a-stop", "a-stop", "a-stop-again")
    ]
    assert all(answer.accepted for answer in answers), answers
    assert [answer.payload for answer in answers] == [{}] * 3

    # A transactionId no CSMS gives out (stations send -1 or 0 for a start that got none).
    for message_id, impossible in (("a-minus-one", -1), ("a-zero", 0)):
        answer = await _call(
            a, stack.edge, message_id, "StopTransaction", stop_16(impossible, 3100, 95)
        )
        assert answer.accepted and answer.payload == {}, answer

    db = await stored(stack.database_url)
    assert db.transactions == before
    assert db.samples_of(transaction_id) == []
    kept = [
        (row.charge_point_id, row.kind, row.cause, row.transaction_id) for row in db.orphan_reports
    ]
    assert kept == [
        ("ORPHAN-B", "STOP_TRANSACTION", "TRANSACTION_OF_ANOTHER_CHARGE_POINT", transaction_id),
        ("ORPHAN-B", "METER_VALUES", "TRANSACTION_OF_ANOTHER_CHARGE_POINT", transaction_id),
        ("ORPHAN-A", "STOP_TRANSACTION", "TRANSACTION_UNKNOWN", UNKNOWN_ID),
        ("ORPHAN-A", "STOP_TRANSACTION", "TRANSACTION_UNKNOWN", -1),
        ("ORPHAN-A", "STOP_TRANSACTION", "TRANSACTION_UNKNOWN", 0),
    ]
    assert [row.meter_stop_wh for row in db.orphan_reports] == [9000, None, 3000, 3100, 3100]
    assert db.orphan_reports[0].id_tag == TAG_B

    # A's own stop still applies, and B's stop left nothing in it.
    own = await _call(
        a, stack.edge, "a-own-stop", "StopTransaction", stop_16(transaction_id, 2500, 120)
    )
    assert own.accepted, own
    (transaction,) = (await stored(stack.database_url)).transactions
    assert (transaction.status, transaction.meter_stop_wh, transaction.energy_wh) == (
        "COMPLETED",
        2500,
        1500,
    )
