"""The production topology on this machine (``csms up --replicas 3`` on PostgreSQL and
Redis, Envoy in front) under the faults operators meet: an edge replica killed while a
transaction is open, a service killed while stations send, answers lost and messages
delivered again to other replicas. After each, the database is read directly and must
hold every accepted message exactly once."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from tests.support.replicas import connections, replica_holding
from tests.support.system import System, production_system
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

PATIENCE = 15.0
BOOT = {"chargePointVendor": "E2E", "chargePointModel": "Faults"}
TAG = "DEMO-TAG-001"  # csms up makes it exist and Accepted


@dataclass
class Cluster:
    system: System
    database_url: str  # asyncpg form (postgresql://)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with production_system(tmp_path_factory.mktemp("faults"), CSMS_EDGE_LEASE="3") as (
        running,
        database_url,
    ):
        yield Cluster(running, database_url)


@dataclass
class Station:
    """A raw OCPP-J 1.6 station: sends CALLs with ids it chooses, accepts the CSMS's."""

    ws: ClientConnection
    received: list[list[Any]] = field(default_factory=list)

    async def call(self, message_id: str, action: str, payload: dict[str, Any]) -> list[Any]:
        await self.ws.send(json.dumps([2, message_id, action, payload]))
        while True:
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), PATIENCE))
            if frame[0] == 2:  # a CALL of the CSMS: accept it and keep waiting
                self.received.append(frame)
                await self.ws.send(json.dumps([3, frame[1], {"status": "Accepted"}]))
                continue
            if frame[1] == message_id:
                return list(frame)


@asynccontextmanager
async def station(url: str, charge_point: str) -> AsyncIterator[Station]:
    async with connect(f"{url}/{charge_point}", subprotocols=[Subprotocol("ocpp1.6")]) as ws:
        yield Station(ws)


async def answering(url: str, charge_point: str, stop: asyncio.Event) -> None:
    """Keep a station connected at ``url``, accepting every CALL, until ``stop``."""
    async with station(url, charge_point) as st:
        assert (await st.call("boot", "BootNotification", BOOT))[0] == 3
        while not stop.is_set():
            try:
                frame = json.loads(await asyncio.wait_for(st.ws.recv(), 0.2))
            except TimeoutError:
                continue
            if frame[0] == 2:
                await st.ws.send(json.dumps([3, frame[1], {"status": "Accepted"}]))


async def rows(cluster: Cluster, query: str, *args: Any) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(cluster.database_url, timeout=10)
    try:
        return list(await connection.fetch(query, *args))
    finally:
        await connection.close()


TRANSACTIONS_OF = (
    "SELECT id, status, meter_start_wh, meter_stop_wh, energy_wh, stopped_at"
    ' FROM "transaction".transactions WHERE charge_point_id = $1 ORDER BY id'
)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


async def test_an_operation_reaches_the_station_whichever_replica_envoy_picks(
    cluster: Cluster,
) -> None:
    system = cluster.system
    stop = asyncio.Event()
    # Connected to replica 1 directly; Envoy spreads the REST calls over all three.
    holding = asyncio.ensure_future(answering(system.edge_ws_urls[0], "CP-ROUTED", stop))
    try:
        await asyncio.to_thread(
            eventually, lambda: replica_holding(system, "CP-ROUTED") == "edge-1", what="the route"
        )
        async with httpx.AsyncClient(timeout=PATIENCE) as client:
            for _ in range(6):
                reply = await client.post(
                    f"{system.api_gateway}/api/v1/charge-points/CP-ROUTED/reset",
                    json={"type": "SOFT"},
                )
                assert reply.status_code == 200, reply.text
                assert reply.json()["status"] == "ACCEPTED"
        (entry,) = [c for c in connections(system) if c["chargePointId"] == "CP-ROUTED"]
        assert entry["replica"]
    finally:
        stop.set()
        await holding


async def test_a_killed_edge_replica_loses_no_open_transaction(cluster: Cluster) -> None:
    system = cluster.system
    async with station(system.ocpp_url, "CP-EDGE-KILL") as st:
        assert (await st.call("b1", "BootNotification", BOOT))[0] == 3
        started = await st.call(
            "s1",
            "StartTransaction",
            {
                "connectorId": 1,
                "idTag": TAG,
                "meterStart": 1000,
                "timestamp": "2026-11-24T10:00:00Z",
            },
        )
        assert started[0] == 3, started
        transaction_id = started[2]["transactionId"]
        holder = await asyncio.to_thread(
            eventually, lambda: replica_holding(system, "CP-EDGE-KILL"), what="the route"
        )
        pid = system.pid(holder)
        os.kill(pid, signal.SIGKILL)
        # Envoy closes the station's socket when its replica dies.
        with pytest.raises(ConnectionClosed):
            while True:
                await asyncio.wait_for(st.ws.recv(), PATIENCE)

    async def reconnected() -> Station | None:
        try:
            return Station(
                await connect(
                    f"{system.ocpp_url}/CP-EDGE-KILL", subprotocols=[Subprotocol("ocpp1.6")]
                )
            )
        except Exception:  # refused, or Envoy's 503 while no replica is healthy yet
            await asyncio.sleep(0.2)
            return None

    again = None
    for _ in range(100):
        again = await reconnected()
        if again is not None:
            break
    assert again is not None, "the station could not reconnect through Envoy"
    try:
        assert (await again.call("b2", "BootNotification", BOOT))[0] == 3
        meter = await again.call(
            "m1",
            "MeterValues",
            {
                "connectorId": 1,
                "transactionId": transaction_id,
                "meterValue": [
                    {"timestamp": "2026-11-24T10:30:00Z", "sampledValue": [{"value": "4000"}]}
                ],
            },
        )
        assert meter[0] == 3, meter
        stopped = await again.call(
            "t1",
            "StopTransaction",
            {
                "transactionId": transaction_id,
                "meterStop": 9000,
                "timestamp": "2026-11-24T11:00:00Z",
            },
        )
        assert stopped[0] == 3, stopped
    finally:
        await again.ws.close()

    (row,) = await rows(cluster, TRANSACTIONS_OF, "CP-EDGE-KILL")
    assert (row["id"], row["meter_stop_wh"], row["energy_wh"]) == (transaction_id, 9000, 8000)
    assert row["stopped_at"] is not None
    # The supervisor brought the killed replica back.
    await asyncio.to_thread(
        eventually,
        lambda: system.pids().get(holder, pid) != pid,
        what=f"{holder} to be restarted",
    )


async def test_a_killed_service_answers_internal_error_and_stores_each_message_once(
    cluster: Cluster,
) -> None:
    system = cluster.system
    start = {
        "connectorId": 1,
        "idTag": TAG,
        "meterStart": 500,
        "timestamp": "2026-11-24T12:00:00Z",
    }
    async with station(system.ocpp_url, "CP-SVC-KILL") as st:
        assert (await st.call("b1", "BootNotification", BOOT))[0] == 3
        pid = system.pid("transaction")
        os.kill(pid, signal.SIGKILL)
        await asyncio.to_thread(eventually, lambda: _gone(pid), what="the service to die")
        refused = await st.call("s1", "StartTransaction", start)
        assert refused[0] == 4, refused
        assert refused[2] == "InternalError"
        assert "transaction" in refused[3]
        # The station retries, as OCPP stations do, until the restarted service accepts.
        answer = refused
        for attempt in range(100):
            answer = await st.call(f"s1-retry-{attempt}", "StartTransaction", start)
            if answer[0] == 3:
                break
            await asyncio.sleep(0.2)
        assert answer[0] == 3, answer
        # Once more, as if that answer had been lost: the same transaction.
        repeated = await st.call("s1-lost", "StartTransaction", start)
        assert repeated[2] == answer[2]

    found = await rows(cluster, TRANSACTIONS_OF, "CP-SVC-KILL")
    assert [r["id"] for r in found] == [answer[2]["transactionId"]]
    assert system.pid("transaction") != pid


async def test_deliveries_repeated_on_other_replicas_are_answered_alike_and_stored_once(
    cluster: Cluster,
) -> None:
    system = cluster.system
    first, second, third = system.edge_ws_urls
    start = {"connectorId": 2, "idTag": TAG, "meterStart": 100, "timestamp": "2026-11-24T13:00:00Z"}
    async with station(first, "CP-DUP") as st:
        assert (await st.call("b1", "BootNotification", BOOT))[0] == 3
        started = await st.call("start-1", "StartTransaction", start)
    transaction_id = started[2]["transactionId"]
    stop = {"transactionId": transaction_id, "meterStop": 2100, "timestamp": "2026-11-24T14:00:00Z"}
    async with station(second, "CP-DUP") as st:
        # The answer was lost: the same message id, delivered to another replica.
        assert (await st.call("start-1", "StartTransaction", start))[2] == started[2]
        stopped = await st.call("stop-1", "StopTransaction", stop)
        assert stopped[0] == 3, stopped
    async with station(third, "CP-DUP") as st:
        assert await st.call("stop-1", "StopTransaction", stop) == stopped
        assert (await st.call("stop-2", "StopTransaction", stop))[2] == stopped[2]

    (row,) = await rows(cluster, TRANSACTIONS_OF, "CP-DUP")
    assert (row["id"], row["energy_wh"], row["meter_stop_wh"]) == (transaction_id, 2000, 2100)
