"""``csms-sim load`` run in-process against a scripted OCPP-J responder on a free port:
the fleet's counts, source addresses, errors by kind, the CSMS's own calls, a Pending
boot, the reconnect storm and the progress display."""

from __future__ import annotations

import json
import socket
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.typing import Subprotocol

from simulator.load.cli import execute
from simulator.load.plan import Plan, check

SUBPROTOCOLS = [Subprotocol(p) for p in ("ocpp1.6", "ocpp2.0.1", "ocpp2.1")]
ANSWERS: dict[str, dict[str, Any]] = {
    "BootNotification": {"status": "Accepted", "interval": 60, "currentTime": "2025-01-01T00:00Z"},
    "Heartbeat": {"currentTime": "2025-01-01T00:00:00Z"},
    "Authorize": {"idTagInfo": {"status": "Accepted"}, "idTokenInfo": {"status": "Accepted"}},
    "StartTransaction": {"transactionId": 1, "idTagInfo": {"status": "Accepted"}},
}


@dataclass
class Responder:
    """Answers every CALL from :data:`ANSWERS` (``{}`` for the rest), or with the
    CALLERROR code in ``errors``; the first ``failing_boots`` boots are answered with
    an InternalError, the next ``pending`` boots Pending;
    ``ask`` is a CALL it sends before answering each boot."""

    errors: dict[str, str] = field(default_factory=dict)
    pending: int = 0
    failing_boots: int = 0
    ask: str | None = None
    peers: Counter[str] = field(default_factory=Counter)
    received: Counter[str] = field(default_factory=Counter)
    refusals: list[str] = field(default_factory=list)
    connections: int = 0

    async def handle(self, connection: ServerConnection) -> None:
        self.connections += 1
        self.peers[connection.remote_address[0]] += 1
        async for frame in connection:
            message = json.loads(frame)
            if message[0] == 4:
                self.refusals.append(message[2])
                continue
            if message[0] != 2:
                continue
            _, unique_id, action, _payload = message
            self.received[action] += 1
            if action == "BootNotification" and self.ask is not None:
                await connection.send(json.dumps([2, "csms-1", self.ask, {}]))
            if action in self.errors:
                answer: list[Any] = [4, unique_id, self.errors[action], "scripted", {}]
            elif action == "BootNotification" and self.failing_boots > 0:
                self.failing_boots -= 1
                answer = [4, unique_id, "InternalError", "scripted", {}]
            elif action == "BootNotification" and self.pending > 0:
                self.pending -= 1
                answer = [3, unique_id, {"status": "Pending", "interval": 1, "currentTime": ""}]
            else:
                answer = [3, unique_id, ANSWERS.get(action, {})]
            await connection.send(json.dumps(answer))


@asynccontextmanager
async def responding(
    responder: Responder, subprotocols: list[Subprotocol] | None = None
) -> AsyncIterator[str]:
    async with serve(
        responder.handle,
        "127.0.0.1",
        0,
        subprotocols=SUBPROTOCOLS if subprotocols is None else subprotocols,
    ) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        yield f"ws://127.0.0.1:{port}/ocpp"


def plan(url: str, **changes: Any) -> Plan:
    """A small, quick run: everyone at once, beats and samples every few tenths."""
    base = Plan(
        url=url,
        count=6,
        mix={"1.6": 1, "2.0.1": 1, "2.1": 1},
        ramp=0,
        heartbeat_interval=0.3,
        meter_interval=0.2,
        duration=1.0,
        call_timeout=5,
        open_timeout=5,
    )
    result = replace(base, **changes)
    check(result)
    return result


async def test_each_charge_point_boots_and_charges_once() -> None:
    responder = Responder()
    async with responding(responder) as url:
        summary: Any = await execute(plan(url), progress_every=5)
    points, messages = summary["charge_points"], summary["messages"]
    assert points.pop("last_boot_monotonic") is not None
    assert points == {
        "planned": 6,
        "booted": 6,
        "failed": 0,
        "finished": 6,
        "transactions_started": 6,
        "transactions_completed": 6,
    }
    assert summary["errors"] == {}
    assert summary["refusals"] == {}
    assert messages["sent"] == messages["answered"] == sum(responder.received.values())
    assert responder.received["BootNotification"] == 6
    assert responder.received["StartTransaction"] == responder.received["StopTransaction"] == 2
    # 2.x stations report their transaction with TransactionEvents: Started ... Ended.
    assert responder.received["TransactionEvent"] >= 8
    assert responder.received["MeterValues"] >= 2
    for action, figures in summary["latency_ms"].items():
        assert figures["count"] == responder.received[action]
        assert 0 <= figures["p50"] <= figures["p95"] <= figures["p99"] <= figures["max"]
    assert messages["offered_per_s"] > 0
    assert messages["achieved_per_s"] > 0


async def test_client_sockets_bind_to_each_source_address_in_turn() -> None:
    responder = Responder()
    async with responding(responder) as url:
        sources = ("127.0.0.1", "127.0.0.2", "127.0.0.3")
        summary: Any = await execute(
            plan(url, source_addresses=sources, idle=True, duration=0.2), progress_every=5
        )
    assert summary["charge_points"]["booted"] == 6
    assert responder.peers == dict.fromkeys(sources, 2)


async def test_callerrors_are_counted_by_code_and_the_stations_carry_on() -> None:
    responder = Responder(errors={"Heartbeat": "InternalError"})
    async with responding(responder) as url:
        summary: Any = await execute(plan(url, idle=True, count=3), progress_every=5)
    assert summary["charge_points"]["finished"] == 3
    assert summary["errors"] == {"callerror:InternalError": responder.received["Heartbeat"]}
    assert responder.received["Heartbeat"] >= 3


async def test_a_refused_connection_is_counted_as_such() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    summary: Any = await execute(plan(f"ws://127.0.0.1:{port}/ocpp", count=3), progress_every=5)
    assert summary["errors"] == {"connection_refused": 3}
    assert summary["charge_points"]["failed"] == 3
    assert summary["charge_points"]["booted"] == 0


async def test_a_subprotocol_the_csms_does_not_select_is_a_failed_handshake() -> None:
    async with responding(Responder(), subprotocols=[]) as url:
        summary: Any = await execute(plan(url, count=2), progress_every=5)
    assert summary["errors"] == {"handshake_failed": 2}


async def test_calls_of_the_csms_are_answered_not_supported() -> None:
    responder = Responder(ask="GetBaseReport")
    async with responding(responder) as url:
        summary: Any = await execute(plan(url, count=2, idle=True), progress_every=5)
    assert summary["charge_points"]["booted"] == 2
    assert summary["csms_calls"] == {"GetBaseReport": 2}
    assert responder.refusals == ["NotSupported", "NotSupported"]


async def test_a_pending_boot_is_retried_and_counted() -> None:
    responder = Responder(pending=1)
    async with responding(responder) as url:
        summary: Any = await execute(
            plan(url, count=1, mix={"1.6": 1}, idle=True, duration=0.1), progress_every=5
        )
    assert summary["refusals"] == {"BootNotification:Pending": 1}
    assert summary["charge_points"]["booted"] == 1
    assert responder.received["BootNotification"] == 2


async def test_a_boot_answered_with_a_callerror_is_retried() -> None:
    responder = Responder(failing_boots=1)
    async with responding(responder) as url:
        summary: Any = await execute(
            plan(url, count=1, mix={"2.0.1": 1}, idle=True, duration=0.1), progress_every=5
        )
    assert summary["errors"] == {"callerror:InternalError": 1}
    assert summary["charge_points"]["booted"] == 1
    assert responder.received["BootNotification"] == 2


async def test_reconnect_storm_brings_every_station_back() -> None:
    responder = Responder()
    async with responding(responder) as url:
        summary: Any = await execute(
            plan(url, count=8, reconnect_storm=True, storm_timeout=20), progress_every=5
        )
    storm = summary["storm"]
    assert storm["dropped"] == storm["accepted_again"] == 8
    assert storm["gave_up"] == 0
    assert storm["handshake_failures"] == 0
    assert storm["seconds_to_all_accepted"] is not None
    assert responder.connections == 16
    assert responder.received["BootNotification"] == 16
    assert summary["charge_points"]["transactions_started"] == 0


async def test_progress_lines_go_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    async with responding(Responder()) as url:
        await execute(plan(url, count=2, idle=True, duration=0.6), progress_every=0.1)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) >= 2  # at least one while running, and the final one
    assert all(line.startswith("[") and "booted" in line for line in lines)
    assert "launched 2/2" in lines[-1]
    assert "booted 2" in lines[-1]
