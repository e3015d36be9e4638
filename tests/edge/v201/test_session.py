"""The edge end to end over real sockets for OCPP 2.0.1: a websockets client speaking raw
OCPP-J 2.0.1 to the real edge, which calls real gRPC servers playing the services. The session
itself: a whole charging session, admission and its report requests, answered-only actions."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from csms.chargepoint.v1 import chargepoint_pb2
from csms.chargepoint.v1.chargepoint_pb2 import ChargePoint
from csms.edge.v1 import operations_pb2
from edge.server import RunningEdge
from tests.edge.support.v2_station import (
    ANSWERED_ONLY_V201,
    BOOT,
    admission,
    check_full_session,
    full_session,
    station,
)
from tests.support.fake_services import Fakes
from tests.support.remote_station import edge_stub


async def test_a_whole_charging_session(edge: RunningEdge, fakes: Fakes) -> None:
    async with station(edge) as cp:
        assert cp.connection.subprotocol == "ocpp2.0.1"
        await full_session(cp, "2.0.1")
    check_full_session(fakes, "2.0.1")


@pytest.mark.parametrize("subprotocol", ["ocpp2.0.1", "ocpp2.1"])
async def test_a_vendors_data_transfer_answer_reaches_the_station_with_its_data(
    edge: RunningEdge, fakes: Fakes, subprotocol: str
) -> None:
    # No vendor is known to chargepoint_svc yet; when one is, its status and data travel.
    fakes.recorder.data_transfer = (chargepoint_pb2.RecordDataTransferResponse.ACCEPTED, "pong")
    async with station(edge, subprotocol) as cp:
        await cp.result("BootNotification", BOOT)
        transfer = {"vendorId": "com.example", "data": {"ping": [1, 2]}}
        assert await cp.result("DataTransfer", transfer) == {"status": "Accepted", "data": "pong"}


async def test_the_admission_flow(edge: RunningEdge, fakes: Fakes) -> None:
    async with station(edge) as cp:
        await admission(cp, fakes)


async def test_report_requests_of_the_edge_and_of_operators_never_share_an_id(
    edge: RunningEdge, fakes: Fakes
) -> None:
    # A station's NotifyReport parts name the request they answer (B07/B08): the boot-time
    # GetBaseReport and an operator's GetReport must not both be requestId 1.
    fakes.recorder.registration = ChargePoint.PENDING
    fakes.recorder.request_base_report = True
    async with station(edge) as cp, edge_stub(edge) as stub:
        assert (await cp.result("BootNotification", BOOT))["status"] == "Pending"
        on_boot = await cp.csms_call()
        await cp.answer(on_boot, {"status": "Accepted"})
        asked = asyncio.ensure_future(
            stub.GetReport(operations_pb2.GetReportRequest(charge_point_id="CS-1"), timeout=10)
        )
        by_operator = await cp.csms_call()
        await cp.answer(by_operator, {"status": "Accepted"})
        reply = await asked
    assert on_boot[2] == by_operator[2] == "GetBaseReport"
    assert on_boot[3]["requestId"] != by_operator[3]["requestId"]
    assert reply.request_id == by_operator[3]["requestId"]


async def test_a_station_that_refuses_the_report_keeps_its_session(
    edge: RunningEdge, fakes: Fakes
) -> None:
    fakes.recorder.registration = ChargePoint.PENDING
    fakes.recorder.request_base_report = True
    async with station(edge) as cp:
        assert (await cp.result("BootNotification", BOOT))["status"] == "Pending"
        get_report = await cp.csms_call()
        await cp.connection.send(json.dumps([4, get_report[1], "NotSupported", "no", {}]))
        await cp.still_works()


@pytest.mark.parametrize(("action", "payload"), ANSWERED_ONLY_V201)
async def test_answered_only_actions(
    edge: RunningEdge, fakes: Fakes, action: str, payload: dict[str, Any]
) -> None:
    async with station(edge) as cp:
        assert await cp.result(action, payload) == {}
    assert fakes.recorder.calls == []


async def test_a_publish_firmware_status_is_recorded_with_its_locations(
    edge: RunningEdge, fakes: Fakes
) -> None:
    """OCPP 2.0.1 L03.FR.08: the Local Controller's URIs come with Published."""
    uris = ["http://lc.local/fw.bin", "ftp://lc.local/fw.bin"]
    payload = {"status": "Published", "requestId": 4, "location": uris}
    async with station(edge) as cp:
        assert await cp.result("PublishFirmwareStatusNotification", payload) == {}
        assert await cp.result("PublishFirmwareStatusNotification", {"status": "Idle"}) == {}
    published, idle = fakes.recorder.requests("RecordPublishFirmwareStatus")
    assert (published.charge_point_id, published.status, published.request_id) == (
        "CS-1",
        "Published",
        4,
    )
    assert list(published.locations) == uris
    assert (idle.status, idle.request_id, list(idle.locations)) == ("Idle", 0, [])


async def test_a_station_that_leaves_before_answering_the_report_request(
    edge: RunningEdge, fakes: Fakes
) -> None:
    """The GetBaseReport follow-up belongs to the session: it ends with the socket, and
    the station's next connection starts afresh."""
    fakes.recorder.registration = ChargePoint.PENDING
    fakes.recorder.request_base_report = True
    async with station(edge) as cp:
        assert (await cp.result("BootNotification", BOOT))["status"] == "Pending"
        assert (await cp.csms_call())[2] == "GetBaseReport"
    fakes.recorder.request_base_report = False
    async with station(edge) as cp:
        assert (await cp.result("BootNotification", BOOT))["status"] == "Pending"
        await cp.still_works()
