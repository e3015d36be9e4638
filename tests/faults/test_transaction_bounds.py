"""What one station can make transaction_svc keep beyond its transactions, through a real
edge and the real services (issue 12, defect 7; README "Storage bounds"): orphan reports and
meter values of no transaction are held to their per-station bounds by the purge, while
transactions and their meter values are never deleted. SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from edge.server import RunningEdge
from servicekit.settings import Settings
from tests.faults.support.messages import meter_values_16, samples_16, start_16, stop_16
from tests.faults.support.stack import (
    Stored,
    auth_service,
    edges,
    environment,
    migrate_transaction,
    stored,
    transaction_service,
)
from tests.faults.support.station import Station
from tests.support.waiting import settled

TAG = "BOUNDS-TAG"
ORPHANS_MAX = 3
LOOSE_MAX = 4  # samples; each MeterValues below carries two


@dataclass
class Stack:
    edge: RunningEdge
    database_url: str


@pytest.fixture
async def stack(database_url: str, tmp_path: Path) -> AsyncIterator[Stack]:
    await migrate_transaction(database_url)
    bounds = {
        "CSMS_ORPHAN_REPORTS_MAX": str(ORPHANS_MAX),
        "CSMS_LOOSE_METER_VALUES_MAX": str(LOOSE_MAX),
        "CSMS_PURGE_INTERVAL": "0.2",
    }
    settings = Settings.from_env(environment(tmp_path, database_url, **bounds))
    async with (
        auth_service(settings, [TAG]),
        transaction_service(settings),
        edges(settings, 1) as (edge,),
    ):
        yield Stack(edge, database_url)


async def test_orphan_reports_and_loose_meter_values_are_held_to_their_bounds(
    stack: Stack,
) -> None:
    flooder = Station("BOUNDS-A", "ocpp1.6")
    other = Station("BOUNDS-B", "ocpp1.6")
    await flooder.connect(stack.edge.ws_port)
    await other.connect(stack.edge.ws_port)
    try:
        started = await flooder.call("start", "StartTransaction", start_16(TAG, 1000, 0))
        transaction_id = started.payload["transactionId"]
        for second in range(1, 4):
            answer = await flooder.call(
                f"tx-{second}",
                "MeterValues",
                meter_values_16(transaction_id, second, 1000 + second),
            )
            assert answer.accepted, answer
        # Eight stops of transactions nobody knows, each a new orphan report; two of another
        # station's own.
        for n in range(8):
            answer = await flooder.call(f"stop-{n}", "StopTransaction", stop_16(5000 + n, 10, 9))
            assert answer.accepted and answer.payload == {}, answer
        for n in range(2):
            answer = await other.call(f"stop-{n}", "StopTransaction", stop_16(7000 + n, 10, 9))
            assert answer.accepted, answer
        # Five MeterValues without a transaction, two samples each.
        for n in range(5):
            loose = {"connectorId": 1, "meterValue": [samples_16(100 + n, 50.0 + n)]}
            answer = await flooder.call(f"loose-{n}", "MeterValues", loose)
            assert answer.accepted and answer.payload == {}, answer
    finally:
        await flooder.disconnect()
        await other.disconnect()

    def orphans(db: Stored, station: str) -> list[int | None]:
        return [row.transaction_id for row in db.orphan_reports if row.charge_point_id == station]

    def loose(db: Stored) -> list[str]:
        return [row.value for row in db.meter_values if row.transaction_id is None]

    async def bounded() -> Stored | None:
        db = await stored(stack.database_url)
        within = len(orphans(db, "BOUNDS-A")) == ORPHANS_MAX and len(loose(db)) == LOOSE_MAX
        return db if within else None

    db = await settled(bounded, what="the purge to hold the station to its bounds")
    # The newest of each are kept, the other station's are its own.
    assert orphans(db, "BOUNDS-A") == [5005, 5006, 5007]
    assert orphans(db, "BOUNDS-B") == [7000, 7001]
    assert sorted(float(value) for value in loose(db)) == [16.0, 16.0, 53.0, 54.0]
    loose_reports = [row for row in db.meter_reports if row.transaction_id is None]
    assert len(loose_reports) == LOOSE_MAX
    # The transaction and its meter values are billing data: untouched.
    assert [row.id for row in db.transactions] == [transaction_id]
    assert len(db.samples_of(transaction_id)) == 3 * 2
