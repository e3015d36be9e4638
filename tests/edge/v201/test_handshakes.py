"""The edge end to end over real sockets for OCPP 2.0.1: which 2.x handshakes are accepted,
in the client's order, which are refused, and stations of every version at once."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

from edge.server import RunningEdge
from tests.edge.support.v2_station import (
    BOOT,
    Station,
)
from tests.support.fake_services import Fakes


async def test_16_201_and_21_stations_at_once(edge: RunningEdge, fakes: Fakes) -> None:
    url = f"ws://127.0.0.1:{edge.ws_port}/ocpp"
    async with (
        connect(f"{url}/CP-16", subprotocols=[Subprotocol("ocpp1.6")]) as ws16,
        connect(f"{url}?chargePointId=CS-201&version=2.0.1") as ws201,
        connect(f"{url}/CS-21", subprotocols=[Subprotocol("ocpp2.1")]) as ws21,
    ):
        old, new, newest = Station(ws16), Station(ws201), Station(ws21)
        assert (ws16.subprotocol, ws201.subprotocol, ws21.subprotocol) == (
            "ocpp1.6",
            None,
            "ocpp2.1",
        )
        boots = await asyncio.gather(
            old.result("BootNotification", {"chargePointVendor": "V", "chargePointModel": "M"}),
            new.result("BootNotification", BOOT),
            newest.result("BootNotification", BOOT),
        )
        assert {boot["status"] for boot in boots} == {"Accepted"}
        assert len(edge.registry.list()) == 3
        await asyncio.gather(old.still_works(), new.still_works(), newest.still_works())
    versions = {b.charge_point_id: b.ocpp_version for b in fakes.recorder.requests("RecordBoot")}
    assert versions == {"CP-16": "1.6", "CS-201": "2.0.1", "CS-21": "2.1"}


@pytest.mark.parametrize(
    ("target", "offered", "version"),
    [
        ("/ocpp/CS-1", ["ocpp2.0.1"], "2.0.1"),
        ("/ocpp?chargePointId=CS-1&version=2.0.1", None, "2.0.1"),
        ("/ocpp?chargePointId=CS-1&version=2.1", ["ocpp2.1"], "2.1"),
        ("/ocpp/CS-1", ["ocpp2.1", "ocpp2.0.1", "ocpp1.6"], "2.1"),
        ("/ocpp/CS-1", ["ocpp2.0.1", "ocpp2.1"], "2.0.1"),
        ("/ocpp/CS-1", ["ocpp3.0", "ocpp2.0.1"], "2.0.1"),
    ],
)
async def test_2x_handshakes_are_accepted_in_the_clients_order(
    edge: RunningEdge, fakes: Fakes, target: str, offered: list[str] | None, version: str
) -> None:
    subprotocols = None if offered is None else [Subprotocol(s) for s in offered]
    async with connect(f"ws://127.0.0.1:{edge.ws_port}{target}", subprotocols=subprotocols) as ws:
        assert ws.subprotocol == (None if offered is None else f"ocpp{version}")
        assert (await Station(ws).result("BootNotification", BOOT))["status"] == "Accepted"
    (boot,) = fakes.recorder.requests("RecordBoot")
    assert boot.ocpp_version == version


@pytest.mark.parametrize(
    ("target", "offered", "words"),
    [
        ("/ocpp/CS-1", ["ocpp3.0"], "supported subprotocols: ocpp1.6, ocpp2.0.1, ocpp2.1"),
        ("/ocpp?chargePointId=CS-1&version=2.2", None, "'2.2' is not an OCPP version"),
        ("/ocpp?chargePointId=CS-1&version=2.0.1", ["ocpp2.1"], "must agree"),
    ],
)
async def test_unknown_versions_are_still_refused(
    edge: RunningEdge, target: str, offered: list[str] | None, words: str
) -> None:
    subprotocols = None if offered is None else [Subprotocol(s) for s in offered]
    with pytest.raises(InvalidStatus) as refused:
        async with connect(f"ws://127.0.0.1:{edge.ws_port}{target}", subprotocols=subprotocols):
            pass
    assert refused.value.response.status_code == 400
    assert words in refused.value.response.body.decode()
