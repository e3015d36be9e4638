"""Transactions whose station never ends them (issue 13): a station that dies mid-charge
leaves its transaction ACTIVE and its id tag ConcurrentTx; an operator ends it through REST
(Envoy -> transaction_svc), and the tag is Accepted again. With `csms-sim --stay` in 1.6
and 2.0.1, killed as a station that loses power would be, and a raw OCPP client asking
Authorize the way another station would."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from tests.support.stations import staying_station
from tests.support.system import System
from tests.support.waiting import eventually

pytestmark = [pytest.mark.e2e]

BOOT_16 = {"chargePointVendor": "E2E", "chargePointModel": "Checker"}
BOOT_2X = {"reason": "PowerUp", "chargingStation": {"model": "Checker", "vendorName": "E2E"}}


def _authorize(system: System, version: str, tag: str) -> str:
    """The status another station of ``version`` is told for ``tag``."""
    return asyncio.run(_ask(system, version, tag))


async def _ask(system: System, version: str, tag: str) -> str:
    protocol = Subprotocol("ocpp1.6" if version == "1.6" else "ocpp2.0.1")
    station = f"CHECK-{version.replace('.', '')}"
    async with connect(f"{system.ocpp_url}/{station}", subprotocols=[protocol]) as ws:

        async def call(message_id: str, action: str, payload: dict[str, Any]) -> Any:
            await ws.send(json.dumps([2, message_id, action, payload]))
            reply = json.loads(await ws.recv())
            assert reply[0] == 3, reply
            return reply[2]

        if version == "1.6":
            await call("1", "BootNotification", BOOT_16)
            return str((await call("2", "Authorize", {"idTag": tag}))["idTagInfo"]["status"])
        await call("1", "BootNotification", BOOT_2X)
        token = {"idToken": {"idToken": tag, "type": "ISO14443"}}
        return str((await call("2", "Authorize", token))["idTokenInfo"]["status"])


def _active(system: System, station: str) -> list[dict[str, Any]]:
    reply = httpx.get(
        f"{system.api_gateway}/api/v1/transactions",
        params={"chargePointId": station, "status": "ACTIVE"},
    )
    return list(reply.json().get("transactions", []))


@pytest.mark.parametrize(("station", "version"), [("STALE-16", "1.6"), ("STALE-201", "2.0.1")])
def test_an_operator_ends_the_transaction_of_a_dead_station(
    system: System, station: str, version: str
) -> None:
    tag = f"TAG-{station}"
    created = httpx.post(f"{system.api_gateway}/api/v1/id-tags", json={"idTag": tag})
    assert created.status_code == 200, created.text
    with staying_station(system, station, version, "--interval", "0.2") as sim:
        started = httpx.post(
            f"{system.api_gateway}/api/v1/charge-points/{station}/remote-start",
            json={"idTag": tag, "evseId": 1},
            timeout=40,
        )
        assert started.json()["status"] == "ACCEPTED", started.text
        (transaction,) = eventually(
            lambda: _active(system, station) or None, what="the remote start's transaction"
        )
        check = f"{system.api_gateway}/api/v1/transactions/{transaction['id']}/check"
        asked = httpx.post(check, json={}, timeout=40)
        if version == "1.6":
            # OCPP 1.6 has no GetTransactionStatus: only an operator can end it.
            assert asked.status_code == 501, asked.text
            assert "GetTransactionStatus" in asked.json()["message"]
        else:
            assert asked.json().get("ongoing") is True, asked.text
        # The station loses power: it sends nothing more about its transaction.
        sim.process.kill()
        sim.process.wait(10)
    assert [t["id"] for t in _active(system, station)] == [transaction["id"]]
    assert _authorize(system, version, tag) == "ConcurrentTx"

    url = f"{system.api_gateway}/api/v1/transactions/{transaction['id']}/end"
    missing = httpx.post(url, json={"endedBy": "e2e"})
    assert missing.status_code == 400
    assert "reason is required" in missing.json()["message"]
    body = {"reason": "station lost power and was replaced", "endedBy": "e2e operator"}
    ended = httpx.post(url, json=body)
    assert ended.status_code == 200, ended.text
    answer = ended.json()
    assert (answer["status"], answer["stopReason"]) == ("COMPLETED", "ENDED_BY_CSMS")
    assert answer["closure"] == {
        "cause": "OPERATOR",
        "reason": "station lost power and was replaced",
        "endedBy": "e2e operator",
    }
    assert answer["stoppedAt"]
    assert _active(system, station) == []
    assert _authorize(system, version, tag) == "Accepted"

    assert httpx.post(url, json=body).json() == answer
    again = httpx.post(url, json={"reason": "something else"})
    assert again.status_code == 400
    assert again.json()["code"] == 9  # FAILED_PRECONDITION
    assert "already completed" in again.json()["message"]
    unknown = httpx.post(
        f"{system.api_gateway}/api/v1/transactions/987654/end", json={"reason": "x"}
    )
    assert unknown.status_code == 404


def test_a_check_ends_what_a_restarted_201_station_no_longer_runs(system: System) -> None:
    """The station restarts without its transaction (a new controller): asked, it says
    the transaction is not ongoing and nothing is queued, so the CSMS ends it."""
    station, tag = "CHECK-201", "TAG-CHECK-201"
    assert httpx.post(f"{system.api_gateway}/api/v1/id-tags", json={"idTag": tag}).is_success
    options = ("--interval", "0.2", "--connectors", "2")
    with staying_station(system, station, "2.0.1", *options) as sim:
        started = httpx.post(
            f"{system.api_gateway}/api/v1/charge-points/{station}/remote-start",
            json={"idTag": tag, "evseId": 2},
            timeout=40,
        )
        assert started.json()["status"] == "ACCEPTED", started.text
        (transaction,) = eventually(
            lambda: _active(system, station) or None, what="the remote start's transaction"
        )
        url = f"{system.api_gateway}/api/v1/transactions/{transaction['id']}/check"
        running = httpx.post(url, json={}, timeout=40)
        assert running.status_code == 200, running.text
        assert running.json().get("ongoing") is True
        assert not running.json().get("ended", False)
        sim.process.kill()
        sim.process.wait(10)
    with staying_station(system, station, "2.0.1", *options):
        checked = httpx.post(url, json={}, timeout=40)
    assert checked.status_code == 200, checked.text
    answer = checked.json()
    assert answer.get("ongoing", False) is False
    assert answer.get("messagesInQueue", False) is False
    assert answer["ended"] is True
    assert answer["closure"]["cause"] == "NOT_ONGOING"
    stored = httpx.get(f"{system.api_gateway}/api/v1/transactions/{transaction['id']}").json()
    assert (stored["status"], stored["stopReason"]) == ("COMPLETED", "ENDED_BY_CSMS")
    again = httpx.post(url, json={}, timeout=40)
    assert again.status_code == 400
    assert "already completed" in again.json()["message"]
