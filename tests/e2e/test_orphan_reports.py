"""Orphan reports through the whole system (issue 12, defect 4): a station connected through
Envoy stops a transaction the CSMS never gave out and gets StopTransaction.conf; the data is
then read and reconciled through the API gateway (REST JSON, transcoded by Envoy) and read
through csms_client.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from csms.transaction.v1 import transaction_pb2
from csms_client import CsmsClient, CsmsError
from tests.support.system import System

pytestmark = pytest.mark.e2e

STATION = "E2E-ORPHAN-1"
UNKNOWN_ID = 31_337
STOP = {
    "transactionId": UNKNOWN_ID,
    "meterStop": 4321,
    "timestamp": "2026-05-01T09:00:00Z",
    "reason": "EVDisconnected",
    "idTag": "E2E-ORPHAN-TAG",
    "transactionData": [
        {
            "timestamp": "2026-05-01T09:00:00Z",
            "sampledValue": [{"value": "4321", "measurand": "Energy.Active.Import.Register"}],
        }
    ],
}


async def _stop_unknown_transaction(system: System) -> list[Any]:
    url = f"{system.ocpp_url}/{STATION}"
    async with connect(url, subprotocols=[Subprotocol("ocpp1.6")]) as ws:
        await ws.send(json.dumps([2, "stop-1", "StopTransaction", STOP]))
        return list(json.loads(await ws.recv()))


async def test_an_unknown_stop_is_answered_and_readable_by_an_operator(system: System) -> None:
    answer = await _stop_unknown_transaction(system)
    # StopTransaction.conf, with the identifier's decision (unknown tag: Invalid).
    assert answer[:2] == [3, "stop-1"], answer
    assert answer[2]["idTagInfo"]["status"] == "Invalid"

    async with httpx.AsyncClient(base_url=system.api_gateway) as client:
        listed = await client.get("/api/v1/orphan-reports", params={"chargePointId": STATION})
        assert listed.status_code == 200, listed.text
        (orphan,) = listed.json()["orphanReports"]
        assert orphan["chargePointId"] == STATION
        assert orphan["kind"] == "STOP_TRANSACTION"
        assert orphan["cause"] == "TRANSACTION_UNKNOWN"
        assert orphan["transactionId"] == UNKNOWN_ID
        assert orphan["meterStopWh"] == 4321
        assert orphan["stopReason"] == "EV_DISCONNECTED"
        assert orphan["idTag"] == "E2E-ORPHAN-TAG"
        assert orphan["stoppedAt"] == "2026-05-01T09:00:00Z"
        (value,) = orphan["meterValues"]
        assert value["sampledValues"][0]["value"] == 4321
        assert "reconciledAt" not in orphan
        fetched = await client.get(f"/api/v1/orphan-reports/{orphan['id']}")
        assert fetched.status_code == 200 and fetched.json() == orphan
        # The operator reconciles it, once; every refusal is JSON.
        reconciled = await client.post(
            f"/api/v1/orphan-reports/{orphan['id']}/reconcile",
            json={"note": "station replaced; energy billed by hand"},
        )
        assert reconciled.status_code == 200, reconciled.text
        assert reconciled.json()["reconciliationNote"] == "station replaced; energy billed by hand"
        assert "reconciledAt" in reconciled.json()
        again = await client.post(
            f"/api/v1/orphan-reports/{orphan['id']}/reconcile", json={"note": "twice"}
        )
        assert again.status_code == 400
        assert "already reconciled" in again.json()["message"]
        empty = await client.post(f"/api/v1/orphan-reports/{orphan['id']}/reconcile", json={})
        assert empty.status_code == 400
        assert "note must have 1 to 1000 characters" in empty.json()["message"]
        open_ones = await client.get(
            "/api/v1/orphan-reports", params={"chargePointId": STATION, "unreconciled": "true"}
        )
        assert open_ones.json().get("orphanReports", []) == []
        missing = await client.get("/api/v1/orphan-reports/999999")
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("application/json")
        assert "orphan report 999999 is not known" in missing.json()["message"]
        # No transaction was made up for it.
        transactions = await client.get("/api/v1/transactions", params={"chargePointId": STATION})
        assert transactions.json().get("transactions", []) == []

    # The station's retry (same message, its answer lost) is kept once.
    assert (await _stop_unknown_transaction(system))[2] == answer[2]
    async with CsmsClient(
        transaction=f"127.0.0.1:{system.port('CSMS_TRANSACTION_GRPC_PORT')}"
    ) as csms:
        page = await csms.orphan_reports.list(charge_point_id=STATION)
        assert [o.id for o in page.orphan_reports] == [orphan["id"]]
        got = await csms.orphan_reports.get(orphan["id"])
        assert got.kind == transaction_pb2.OrphanReport.STOP_TRANSACTION
        assert got.reconciliation_note == "station replaced; energy billed by hand"
        with pytest.raises(CsmsError) as unknown:
            await csms.orphan_reports.get(999999)
        assert "orphan report 999999" in str(unknown.value)
