"""PostgreSQL briefly unavailable, behind a TCP proxy the test cuts: the real transaction
service and edge answer a station InternalError saying the database is unavailable, and
once the database is back the same messages are accepted, with nothing restarted.

Two faults: a cut (connections closed, new ones refused: the server went down) and a
stall (a black hole: connections stay open and carry nothing, as when a network path
dies). Only PostgreSQL is reached over a network; SQLite has nothing to cut.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from sqlalchemy.engine import make_url

from csms.transaction.v1 import transaction_pb2, transaction_pb2_grpc
from edge.server import RunningEdge
from servicekit.errors import reason_of
from servicekit.settings import Settings
from tests.faults.support.messages import meter_values_16, start_16, stop_16
from tests.faults.support.stack import (
    GRPC_TIMEOUT,
    auth_service,
    edges,
    environment,
    migrate_transaction,
    stored,
    transaction_service,
    until,
)
from tests.faults.support.station import Answer, Station
from tests.support.databases import postgres_database
from tests.support.tcp_proxy import TcpProxy
from transaction_svc.server import RunningService

pytestmark = pytest.mark.postgres

TAG = "OUTAGE-TAG"
# One id tag per station (auth_svc allows one open transaction per tag).
TAGS = [TAG, *(f"STALL-TAG-{n}" for n in range(3))]
# How long a station waits for an answer here: the edge's deadline bounds it, plus slack
# for a loaded machine. Exceeding it means a call hung past its deadline.
ANSWER_BOUND = GRPC_TIMEOUT + 3.0


@dataclass
class Outage:
    proxy: TcpProxy
    edge: RunningEdge
    service: RunningService
    settings: Settings
    # The database without the proxy, for the test's own reads.
    direct_url: str


@pytest.fixture
def direct_url() -> Iterator[str]:
    """A new PostgreSQL database, reached without the proxy."""
    with postgres_database() as url:
        yield url


@pytest.fixture
async def outage(tmp_path: Path, direct_url: str) -> AsyncIterator[Outage]:
    url = make_url(direct_url)
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        proxied = url.set(port=proxy.port).render_as_string(hide_password=False)
        await migrate_transaction(direct_url)
        settings = Settings.from_env(environment(tmp_path, proxied))
        async with (
            auth_service(settings, TAGS),
            transaction_service(settings) as service,
            edges(settings, 1) as (edge,),
        ):
            yield Outage(proxy, edge, service, settings, direct_url)


async def answer_within_deadline(
    station: Station, message_id: str, action: str, payload: dict[str, object]
) -> Answer:
    return await asyncio.wait_for(station.call(message_id, action, payload), ANSWER_BOUND)


async def test_a_cut_database_is_reported_unavailable_and_recovers_without_a_restart(
    outage: Outage,
) -> None:
    station = Station("DB-CUT-1", "ocpp1.6")
    await station.connect(outage.edge.ws_port)
    transaction_id = (await station.deliver("StartTransaction", start_16(TAG, 1000, 0))).payload[
        "transactionId"
    ]
    await station.deliver("MeterValues", meter_values_16(transaction_id, 60, 1500))

    outage.proxy.cut()
    meter = meter_values_16(transaction_id, 120, 2000)
    stop = stop_16(transaction_id, 2500, 180)
    for message_id, action, payload in (
        ("during-cut-1", "MeterValues", meter),
        ("during-cut-2", "StopTransaction", stop),
    ):
        answer = await answer_within_deadline(station, message_id, action, payload)
        assert answer.code == "InternalError"
        # The service's own words, no traceback: the station's operator sees the cause.
        assert answer.description.startswith("transaction database unavailable: "), answer
        assert answer.description.endswith("; retry later")
    # The status the service gives its callers (the edge, and REST through Envoy).
    async with grpc.aio.insecure_channel(outage.settings.network.transaction_address) as channel:
        stub = transaction_pb2_grpc.TransactionServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.GetTransaction(
                transaction_pb2.GetTransactionRequest(id=transaction_id), timeout=GRPC_TIMEOUT
            )
    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
    assert (
        raised.value.details()
        == "transaction database unavailable: connection refused; retry later"
    )
    assert reason_of(raised.value) == "DATABASE_UNAVAILABLE"

    # Cut while a call waits for the database: its connection is being opened (the
    # stall holds the handshake back), then the network goes.
    outage.proxy.restore()
    outage.proxy.stall()
    call = asyncio.ensure_future(
        answer_within_deadline(station, "during-cut-1", "MeterValues", meter)
    )
    await until(lambda: outage.proxy.holding > 0, what="the call to reach the database")
    outage.proxy.cut()
    answer = await call
    assert answer.description == (
        "transaction database unavailable: the connection to it was lost; retry later"
    )

    outage.proxy.restore()
    # The same messages again (the station retries them), nothing restarted: accepted.
    assert (await answer_within_deadline(station, "during-cut-1", "MeterValues", meter)).accepted
    answer = await answer_within_deadline(station, "during-cut-2", "StopTransaction", stop)
    assert answer.accepted, answer

    db = await stored(outage.direct_url)
    (transaction,) = db.transactions
    assert (transaction.id, transaction.status) == (transaction_id, "COMPLETED")
    assert (transaction.meter_start_wh, transaction.meter_stop_wh) == (1000, 2500)
    assert transaction.energy_wh == 1500
    # Two samples per accepted message: the MeterValues before the cut, the one retried
    # after it, and the stop's transactionData; nothing of the refused attempts.
    assert len(db.samples_of(transaction_id)) == 6
    assert len(db.meter_reports) == 2


async def test_a_stalled_database_fails_calls_at_their_deadline_and_recovers(
    outage: Outage,
) -> None:
    stations = [Station(f"DB-STALL-{n}", "ocpp1.6") for n in range(3)]
    transactions = []
    for station in stations:
        await station.connect(outage.edge.ws_port)
        answer = await station.deliver(
            "StartTransaction", start_16(f"STALL-TAG-{station.charge_point_id[-1]}", 0, 0)
        )
        transactions.append(answer.payload["transactionId"])
    pool = outage.service.engine.pool

    outage.proxy.stall()
    meters = [meter_values_16(tx, 60, 500) for tx in transactions]
    answers = await asyncio.gather(
        *(
            answer_within_deadline(station, "during-stall", "MeterValues", meter)
            for station, meter in zip(stations, meters, strict=True)
        )
    )
    for answer in answers:
        assert answer.code == "InternalError", answer
        assert answer.description.endswith("retry later"), answer
    # The calls ended at their deadline on the service's side too: no connection of the
    # pool is held by a call still waiting for the black hole.
    await until(
        lambda: pool.checkedout() == 0,  # type: ignore[attr-defined]
        within=3 * GRPC_TIMEOUT,
        what="the calls to give their connections back",
    )

    # A caller that sets no deadline is answered too: the service bounds its own waits
    # for the database (connecting, each statement).
    async with grpc.aio.insecure_channel(outage.settings.network.transaction_address) as channel:
        stub = transaction_pb2_grpc.TransactionServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await asyncio.wait_for(
                stub.GetTransaction(transaction_pb2.GetTransactionRequest(id=transactions[0])),
                # A pooled connection's test, then a new connection: one timeout each.
                2 * GRPC_TIMEOUT + 3.0,
            )
    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
    assert raised.value.details() == (
        "transaction database unavailable: it did not answer in time; retry later"
    )

    outage.proxy.restore()
    for station, meter in zip(stations, meters, strict=True):
        assert (
            await answer_within_deadline(station, "during-stall", "MeterValues", meter)
        ).accepted

    db = await stored(outage.direct_url)
    assert [row.id for row in db.transactions] == sorted(transactions)
    for transaction_id in transactions:
        assert len(db.samples_of(transaction_id)) == 2
    assert len(db.meter_reports) == 3
