"""The edge end to end over real sockets for OCPP 2.0.1: a websockets client speaking raw
OCPP-J 2.0.1 to the real edge, which calls real gRPC servers playing the services. The session
itself: a whole charging session, admission and its report requests, answered-only actions."""

from __future__ import annotations

import asyncio
import json

import pytest

from csms.chargepoint.v1 import chargepoint_pb2
from csms.chargepoint.v1.chargepoint_pb2 import ChargePoint
from csms.common.v1.display_message_pb2 import DisplayMessage as Message
from csms.edge.v1 import operations_pb2
from csms.transaction.v1 import reservation_status_pb2
from edge.server import RunningEdge
from tests.edge.support.v2_monitoring import check_monitoring, send_monitoring
from tests.edge.support.v2_station import (
    BOOT,
    admission,
    check_full_session,
    full_session,
    station,
)
from tests.support.fake_services import Fakes
from tests.support.remote_station import edge_stub

Update = reservation_status_pb2.RecordReservationStatusRequest


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
        # The session still answers; still Pending, a Heartbeat is refused (B02.FR.09).
        assert (await cp.call("Heartbeat", {}))[2] == "SecurityError"


@pytest.mark.parametrize("subprotocol", ["ocpp2.0.1", "ocpp2.1"])
@pytest.mark.parametrize(
    ("word", "status"),
    [("Expired", Update.EXPIRED), ("Removed", Update.REMOVED)],
)
async def test_a_reservation_status_update_is_recorded(
    edge: RunningEdge,
    fakes: Fakes,
    subprotocol: str,
    word: str,
    status: Update.Status.ValueType,
) -> None:
    async with station(edge, subprotocol) as cp:
        update = {"reservationId": 12, "reservationUpdateStatus": word}
        assert await cp.result("ReservationStatusUpdate", update) == {}
    (recorded,) = fakes.recorder.requests("RecordReservationStatus")
    assert recorded == Update(charge_point_id="CS-1", reservation_id=12, status=status)


async def test_2_1_no_transaction_is_recorded(edge: RunningEdge, fakes: Fakes) -> None:
    async with station(edge, "ocpp2.1") as cp:
        update = {"reservationId": 3, "reservationUpdateStatus": "NoTransaction"}
        assert await cp.result("ReservationStatusUpdate", update) == {}
    (recorded,) = fakes.recorder.requests("RecordReservationStatus")
    assert recorded.status == Update.NO_TRANSACTION


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
        # Still Pending: only a boot is answered normally (B02.FR.09).
        assert (await cp.call("Heartbeat", {}))[2] == "SecurityError"
        assert (await cp.result("BootNotification", BOOT))["status"] == "Pending"


async def test_monitoring_reports_and_events_reach_chargepoint_svc(
    edge: RunningEdge, fakes: Fakes
) -> None:
    async with station(edge) as cp:
        await send_monitoring(cp, "2.0.1")
    check_monitoring(fakes, "2.0.1")


# Issue 13: logs and display messages.


@pytest.mark.parametrize("subprotocol", ["ocpp2.0.1", "ocpp2.1"])
async def test_customer_information_and_display_message_reports_reach_chargepoint_svc(
    edge: RunningEdge, fakes: Fakes, subprotocol: str
) -> None:
    part = {
        "data": "idToken TAG-1: cache Accepted",
        "seqNo": 0,
        "tbc": True,
        "generatedAt": "2024-05-01T12:00:00Z",
        "requestId": 4,
    }
    shown = {
        "requestId": 5,
        "tbc": False,
        "messageInfo": [
            {
                "id": 2,
                "priority": "InFront",
                "state": "Idle",
                "startDateTime": "2024-05-01T00:00:00Z",
                "message": {"format": "UTF8", "language": "en", "content": "Hello"},
                "display": {"name": "Display", "instance": "front"},
            }
        ],
    }
    async with station(edge, subprotocol=subprotocol) as cp:
        assert await cp.result("NotifyCustomerInformation", part) == {}
        assert await cp.result("NotifyDisplayMessages", shown) == {}
    (recorded,) = fakes.recorder.requests("RecordCustomerInformation")
    assert (recorded.request_id, recorded.seq_no, recorded.tbc, recorded.data) == (
        4,
        0,
        True,
        "idToken TAG-1: cache Accepted",
    )
    assert recorded.generated_at.ToJsonString() == "2024-05-01T12:00:00Z"
    (reported,) = fakes.recorder.requests("RecordDisplayMessages")
    (message,) = reported.messages
    assert (reported.request_id, reported.tbc) == (5, False)
    assert (message.id, message.priority, message.state) == (2, Message.IN_FRONT, Message.IDLE)
    assert (message.message.content, message.message.language) == ("Hello", "en")
    assert (message.display_component, message.display_component_instance) == ("Display", "front")
    assert message.start_time.ToJsonString() == "2024-05-01T00:00:00Z"
