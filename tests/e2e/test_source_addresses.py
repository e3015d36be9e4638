"""Limits per source address through Envoy: the edge sees each station's address as Envoy
saw it (X-Forwarded-For), refuses a connection beyond CSMS_MAX_CONNECTIONS_PER_ADDRESS
with 429 and takes it again once one closed, and refuses CALLs beyond what the stations
of one address may send together (CSMS_ADDRESS_MESSAGE_RATE) with GenericError.
Both are off by default (``csms up`` runs benchmarks of thousands of stations from one
host); this system turns them on and exempts nothing, loopback included."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import AsyncExitStack
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

from tests.support.system import System, running_system

pytestmark = pytest.mark.e2e

CONNECTIONS = 3
# Four messages at once for the address, then one every 100 s: the test never sees a refill.
BURST = 4


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    with running_system(
        tmp_path_factory.mktemp("csms"),
        CSMS_ADDRESS_LIMIT_EXEMPT="",
        CSMS_MAX_CONNECTIONS_PER_ADDRESS=str(CONNECTIONS),
        CSMS_ADDRESS_MESSAGE_RATE="0.01",
        CSMS_MESSAGE_BURST=str(BURST),
        CSMS_MESSAGE_RATE="100",
    ) as running:
        yield running


def _station(system: System, name: str) -> Any:
    # An X-Forwarded-For of the station's own: Envoy appends the real address after it.
    return connect(
        f"{system.ocpp_url}/{name}",
        subprotocols=[Subprotocol("ocpp1.6")],
        additional_headers={"X-Forwarded-For": "198.51.100.9"},
    )


async def _heartbeat(ws: ClientConnection, message_id: str) -> list[Any]:
    await ws.send(json.dumps([2, message_id, "Heartbeat", {}]))
    return list(json.loads(await asyncio.wait_for(ws.recv(), 20)))


async def test_one_address_holds_at_most_its_connections_and_shares_one_message_rate(
    system: System,
) -> None:
    async with AsyncExitStack() as stack:
        stations = [
            await stack.enter_async_context(_station(system, f"E2E-ADDR-{n}"))
            for n in range(CONNECTIONS)
        ]
        with pytest.raises(InvalidStatus) as refused:
            await stack.enter_async_context(_station(system, "E2E-ADDR-X"))
        response = refused.value.response
        assert response.status_code == 429
        assert b"CSMS_MAX_CONNECTIONS_PER_ADDRESS" in response.body
        assert b"198.51.100.9" not in response.body  # Envoy's entry counts, not the station's

        # The address's burst, shared by its stations, then a refusal for any of them.
        for n in range(BURST):
            assert (await _heartbeat(stations[n % 2], f"hb{n}"))[0] == 3
        refusal = await _heartbeat(stations[2], "over")
        assert refusal[:3] == [4, "over", "GenericError"]
        assert "CSMS_ADDRESS_MESSAGE_RATE" in refusal[3]

        await stations[0].close()

        # The closed socket's place is free again (released when the edge saw it close).
        async def reconnected() -> ClientConnection:
            while True:
                try:
                    return await stack.enter_async_context(_station(system, "E2E-ADDR-Y"))
                except InvalidStatus as still:
                    assert still.response.status_code == 429
                    await asyncio.sleep(0.1)

        await asyncio.wait_for(reconnected(), 20)
