"""Hostile connections to a real edge: floods of messages from one station, handshakes
that never finish, stations that stop answering, thousands of silent sockets. Each is
refused or dropped with a defined code while a well-behaved station is served meanwhile,
and nothing the hostile client sent reaches the services.

Limits come from the settings (CSMS_MESSAGE_RATE/BURST, CSMS_HANDSHAKE_TIMEOUT,
CSMS_PING_INTERVAL), set small here so the tests take a second or two.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed

from tests.edge.support.hostile import (
    closed_with,
    edge_with,
    raw_station,
    server_frames,
    until,
    upgrade_request,
)
from tests.edge.v16.test_session import station
from tests.support.fake_services import Fakes

PING = 0x9
CLOSE = 0x8
# The slowest rate the settings allow: no token comes back while a test runs.
SLOW = {"CSMS_MESSAGE_RATE": "0.1", "CSMS_MESSAGE_BURST": "5"}


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


async def test_a_flood_is_refused_then_closed_and_others_are_served(
    fakes: Fakes, tmp_path: Path
) -> None:
    async with edge_with(fakes, tmp_path, **SLOW) as edge:
        async with station(edge, "/ocpp/CALM") as calm, station(edge, "/ocpp/FLOOD") as flood:
            replies = []
            for _ in range(5):
                replies.append(await flood.call("Heartbeat", {}))
            assert [r[0] for r in replies] == [3] * 5
            refusal = await flood.call("Heartbeat", {})
            assert refusal[2] == "GenericError"
            assert refusal[3].startswith(
                "rate limit: at most 0.1 messages/s per charge point, 5 at once; "
                "this CALL was not processed, send it again in "
            )
            # The other station has its own bucket.
            await calm.still_works()
            # Keeping on: refused while the second allowance lasts, then closed.
            refused = 1
            for i in range(20):
                await flood.connection.send(json.dumps([2, f"f{i}", "Heartbeat", {}]))
            with pytest.raises(ConnectionClosed):
                while True:
                    reply = json.loads(await asyncio.wait_for(flood.connection.recv(), 10))
                    assert reply[2] == "GenericError"
                    refused += 1
            assert await closed_with(flood.connection) == 1008
            assert flood.connection.close_reason is not None
            assert "rate limit: kept sending after refusals" in flood.connection.close_reason
            assert refused == 5
            await calm.still_works()
        figures = edge.statistics.figures()
        assert figures.call_errors_by_code == {"GenericError": 5}
        # Only accepted CALLs reached the service: 5 from the flood, 2 from the calm one.
        assert len(fakes.recorder.requests("RecordHeartbeat")) == 7


async def test_garbage_and_stray_responses_count_too(fakes: Fakes, tmp_path: Path) -> None:
    async with edge_with(fakes, tmp_path, **SLOW) as edge, station(edge) as cp:
        for i in range(5):
            await cp.connection.send(json.dumps([3, f"stray-{i}", {}]))
        await cp.connection.send("garbage")
        reply = json.loads(await asyncio.wait_for(cp.connection.recv(), 10))
        assert reply[:3] == [4, "-1", "GenericError"]
        for _ in range(10):
            await cp.connection.send(json.dumps([3, "stray", {}]))
        assert await closed_with(cp.connection) == 1008


async def test_a_handshake_that_never_finishes_is_dropped(fakes: Fakes, tmp_path: Path) -> None:
    async with edge_with(fakes, tmp_path, CSMS_HANDSHAKE_TIMEOUT="0.5") as edge:
        silent = await asyncio.open_connection("127.0.0.1", edge.ws_port)
        slow = await asyncio.open_connection("127.0.0.1", edge.ws_port)
        request = upgrade_request("/ocpp/SLOWLORIS")

        async def dribble() -> None:
            # One byte every 50 ms: the request would take seconds to complete.
            for byte in request:
                slow[1].write(bytes([byte]))
                await asyncio.sleep(0.05)

        dribbling = asyncio.ensure_future(dribble())
        try:
            async with station(edge) as cp:
                await cp.result(
                    "BootNotification", {"chargePointVendor": "V", "chargePointModel": "M"}
                )
                # Both are dropped without an answer: the server closes the TCP connection,
                # the slow one while it is still sending its request.
                assert await asyncio.wait_for(silent[0].read(), 10) == b""
                assert await asyncio.wait_for(slow[0].read(), 10) == b""
                assert not dribbling.done()
                await cp.still_works()
        finally:
            dribbling.cancel()
            silent[1].close()
            slow[1].close()
        assert edge.statistics.figures().connections_opened == 1


async def test_a_station_that_stops_answering_pings_is_closed(fakes: Fakes, tmp_path: Path) -> None:
    async with (
        edge_with(fakes, tmp_path, CSMS_PING_INTERVAL="0.2", CSMS_HANDSHAKE_TIMEOUT="0.5") as edge,
        raw_station(edge, "/ocpp/HALF-OPEN") as (reader, _),
    ):
        await until(lambda: edge.registry.get("HALF-OPEN") is not None, "the session")
        # The client reads nothing and answers nothing; the edge pings, gives up, and
        # closes with 1011; then, with no close frame back, drops the TCP connection.
        frames = await asyncio.wait_for(server_frames(reader), 10)
        assert frames[0][0] == PING
        assert frames[-1][0] == CLOSE
        assert int.from_bytes(frames[-1][1][:2], "big") == 1011
        assert b"keepalive ping timeout" in frames[-1][1]
        await until(lambda: edge.registry.get("HALF-OPEN") is None, "the session to end")


@pytest.mark.timeout(60)
async def test_thousands_of_silent_connections(fakes: Fakes, tmp_path: Path) -> None:
    count = 2000
    async with edge_with(fakes, tmp_path, CSMS_HANDSHAKE_TIMEOUT="2") as edge:
        # Warm up: the first station's session creates what every later one shares.
        async with station(edge, "/ocpp/WARM-UP") as cp:
            await cp.still_works()
        before = _open_fds()
        sockets: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        for _ in range(0, count, 100):
            sockets += await asyncio.gather(
                *(asyncio.open_connection("127.0.0.1", edge.ws_port) for _ in range(100))
            )
        try:
            # Meanwhile a real station connects and is served.
            async with station(edge, "/ocpp/REAL") as cp:
                await cp.result(
                    "BootNotification", {"chargePointVendor": "V", "chargePointModel": "M"}
                )
                await cp.still_works()
            # The edge drops every one of them after the handshake timeout.
            ends = await asyncio.wait_for(
                asyncio.gather(*(reader.read() for reader, _ in sockets)), 30
            )
            assert ends == [b""] * count
        finally:
            for _, writer in sockets:
                writer.close()
        # Both ends of every socket are closed: no descriptor is left behind.
        await until(lambda: _open_fds() <= before, "the descriptors to be closed")
        assert edge.statistics.figures().connections_opened == 2
