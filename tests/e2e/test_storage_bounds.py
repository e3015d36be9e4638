"""What one station can make the CSMS store, through the public face: a 1.6 station sends
large DataTransfers and many security events within its rate limit to ``csms up``, and
the rows and bytes counted in chargepoint_svc's database stay within the bounds
(README "Storage bounds") once the purge has run, while the newest frames stay readable.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from chargepoint_svc.retention import ENTRY_OVERHEAD
from tests.support.system import System, running_system
from tests.support.waiting import settled

pytestmark = pytest.mark.e2e

STATION = "E2E-BOUNDS-1"
JOURNAL_BYTES = 256 * 1024
EVENTS = 5
TRANSFERS = 60
DATA = "d" * 30_000  # 60 transfers: 1.8 MB sent, seven times the journal's bound


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    with running_system(
        tmp_path_factory.mktemp("csms"),
        CSMS_JOURNAL_MAX_BYTES=str(JOURNAL_BYTES),
        CSMS_STATION_EVENTS_MAX=str(EVENTS),
        CSMS_PURGE_INTERVAL="1",
    ) as running:
        yield running


def _stored(system: System) -> dict[str, Any]:
    """Rows and journal bytes of the station, read from chargepoint_svc's SQLite file."""
    path = Path(system.env["CSMS_DATA_DIR"]) / "chargepoint.db"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as db:
        journal_rows, journal_bytes = db.execute(
            "SELECT COUNT(*), COALESCE(SUM(LENGTH(payload) + ?), 0) FROM journal_entries"
            " WHERE charge_point_id = ?",
            (ENTRY_OVERHEAD, STATION),
        ).fetchone()
        [security_events] = db.execute(
            "SELECT COUNT(*) FROM security_events WHERE charge_point_id = ?", (STATION,)
        ).fetchone()
        newest = db.execute(
            "SELECT message_id, direction FROM journal_entries WHERE charge_point_id = ?"
            " ORDER BY id DESC LIMIT 1",
            (STATION,),
        ).fetchone()
        [data_transfers] = db.execute(
            "SELECT COUNT(*) FROM data_transfers WHERE charge_point_id = ?", (STATION,)
        ).fetchone()
    return {
        "journal_rows": journal_rows,
        "journal_bytes": journal_bytes,
        "security_events": security_events,
        "data_transfers": data_transfers,
        "all_journalled": newest == ("se19", "OUT"),
    }


async def test_one_station_cannot_make_the_csms_store_more_than_its_bounds(
    system: System,
) -> None:
    async with connect(
        f"{system.ocpp_url}/{STATION}", subprotocols=[Subprotocol("ocpp1.6")], max_size=None
    ) as ws:

        async def call(message_id: str, action: str, payload: dict[str, Any]) -> list[Any]:
            await ws.send(json.dumps([2, message_id, action, payload]))
            answer: list[Any] = json.loads(await asyncio.wait_for(ws.recv(), 20))
            assert answer[:2] == [3, message_id], answer  # within the rate: every CALL served
            return answer

        await call(
            "boot", "BootNotification", {"chargePointVendor": "E2E", "chargePointModel": "B"}
        )
        for n in range(TRANSFERS):
            await call(f"dt{n}", "DataTransfer", {"vendorId": "com.example", "data": DATA})
        for n in range(20):
            event = {"type": f"Event{n}", "timestamp": "2026-12-07T12:00:00Z"}
            await call(f"se{n}", "SecurityEventNotification", event)

    async def bounded() -> dict[str, Any] | None:
        stored = await asyncio.to_thread(_stored, system)
        within = stored["journal_bytes"] <= JOURNAL_BYTES and stored["security_events"] <= EVENTS
        # The last frame (the answer to the last CALL) is in: nothing more will come.
        return stored if within and stored["all_journalled"] else None

    stored = await settled(bounded, within=60, what="the station's records within the bounds")
    assert stored["data_transfers"] == 0, "a DataTransfer is stored once, in the journal"
    assert stored["security_events"] == EVENTS

    # The purge kept the newest: the last security event and its answer are still shown.
    url = f"{system.api_gateway}/api/v1/charge-points/{STATION}/messages"
    async with httpx.AsyncClient() as client:
        newest = (await client.get(url, params={"pageSize": 2})).json()["messages"]
        events = (
            await client.get(f"{system.api_gateway}/api/v1/charge-points/{STATION}/security-events")
        ).json()
    assert [m["messageId"] for m in newest] == ["se19", "se19"]
    assert events["securityEvents"][0]["type"] == "Event19"
