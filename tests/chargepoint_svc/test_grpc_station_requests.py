"""Log requests, customer information and display messages through the real server over
SQLite and PostgreSQL, sending to a real (scripted) EdgeService; the station's reports
arrive as the edge would deliver them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import grpc
import pytest

from chargepoint_svc.server import start
from csms.chargepoint.v1 import chargepoint_pb2, chargepoint_pb2_grpc
from csms.chargepoint.v1 import logs_and_display_pb2 as pb
from csms.common.v1 import display_message_pb2
from csms.edge.v1 import logs_and_display_pb2 as edge_pb
from csms.edge.v1 import operations_pb2
from servicekit.channels import open_channel
from servicekit.migrations import upgrade
from servicekit.settings import Settings
from servicekit.timestamps import to_timestamp
from tests.support.fake_edge import CALL_ERROR, NOT_CONNECTED, FakeEdge, serving
from tests.support.settings import with_network

Message = display_message_pb2.DisplayMessage
Content = display_message_pb2.MessageContent
CP = "CP-1"


@dataclass
class Harness:
    stub: chargepoint_pb2_grpc.ChargePointServiceAsyncStub
    edge: FakeEdge


@pytest.fixture
async def harness(database_url: str, tmp_path: Path) -> AsyncIterator[Harness]:
    await asyncio.to_thread(upgrade, "chargepoint", database_url)
    edge = FakeEdge()  # type: ignore[abstract]  # serves the operations under test only
    async with serving(edge) as edge_address:
        settings = with_network(
            Settings.from_env(
                {"CSMS_DATA_DIR": str(tmp_path), "CSMS_CHARGEPOINT_DATABASE_URL": database_url}
            ),
            edge_address=edge_address,
            grpc_timeout=3.0,
        )
        service = await start(settings.network, settings.storage, settings.charge_points, port=0)
        channel = open_channel(f"127.0.0.1:{service.port}")
        stub = chargepoint_pb2_grpc.ChargePointServiceStub(channel)
        await stub.CreateChargePoint(chargepoint_pb2.CreateChargePointRequest(id=CP))
        try:
            yield Harness(stub, edge)
        finally:
            await channel.close(grace=None)
            await service.stop()


async def _error(call: Any) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value.code(), caught.value.details() or ""


def _log(**fields: Any) -> pb.RequestLogRequest:
    given: dict[str, Any] = {"charge_point_id": CP, "location": "ftp://example.com/logs/"}
    return pb.RequestLogRequest(**(given | fields))


async def test_a_log_request_is_kept_with_every_status_the_station_reports(
    harness: Harness,
) -> None:
    start_time = datetime(2026, 1, 1, tzinfo=UTC)
    first = await harness.stub.RequestLog(
        _log(log_type=pb.RequestLogRequest.SECURITY, retries=2, start_time=to_timestamp(start_time))
    )
    second = await harness.stub.RequestLog(_log(requested_by="ops"))
    assert (first.request_id, second.request_id) == (1, 2)
    assert (first.answer, first.file_name) == ("Accepted", "log-1.txt")
    (sent, _) = harness.edge.requests_of(operations_pb2.GetDiagnosticsRequest)
    assert sent.request_id == 1 and sent.log_type == operations_pb2.GetDiagnosticsRequest.SECURITY
    assert sent.retries == 2 and sent.start_time.ToDatetime(UTC) == start_time

    for status in ("Uploading", "Uploaded"):
        await harness.stub.RecordDiagnosticsStatus(
            chargepoint_pb2.RecordDiagnosticsStatusRequest(
                charge_point_id=CP, status=status, request_id=1
            )
        )
    # OCPP 1.6 has no requestId: its status counts against the latest request.
    await harness.stub.RecordDiagnosticsStatus(
        chargepoint_pb2.RecordDiagnosticsStatusRequest(charge_point_id=CP, status="Uploading")
    )
    found = await harness.stub.GetLogRequest(
        pb.GetLogRequestRequest(charge_point_id=CP, request_id=1)
    )
    assert [s.status for s in found.statuses] == ["Uploading", "Uploaded"]
    assert found.log_type == pb.RequestLogRequest.SECURITY and found.retries == 2
    listed = await harness.stub.ListLogRequests(
        pb.ListLogRequestsRequest(charge_point_id=CP, page_size=1)
    )
    assert [r.request_id for r in listed.log_requests] == [2]
    assert [s.status for s in listed.log_requests[0].statuses] == ["Uploading"]
    assert listed.log_requests[0].requested_by == "ops"
    rest = await harness.stub.ListLogRequests(
        pb.ListLogRequestsRequest(charge_point_id=CP, page_token=listed.next_page_token)
    )
    assert [r.request_id for r in rest.log_requests] == [1] and not rest.next_page_token


async def test_a_log_request_that_could_not_be_sent_stays_on_record_with_the_reason(
    harness: Harness,
) -> None:
    harness.edge.answer("GetDiagnostics", NOT_CONNECTED, CALL_ERROR)
    code, _ = await _error(harness.stub.RequestLog(_log()))
    assert code == grpc.StatusCode.NOT_FOUND
    code, _ = await _error(harness.stub.RequestLog(_log()))
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    found = await harness.stub.GetLogRequest(
        pb.GetLogRequestRequest(charge_point_id=CP, request_id=1)
    )
    assert found.answer == "NotSent" and "not connected" in found.error


async def test_bad_log_requests_name_what_is_wrong(harness: Harness) -> None:
    code, message = await _error(harness.stub.RequestLog(_log(location="")))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "location is required" in message
    code, message = await _error(harness.stub.RequestLog(_log(retries=-1)))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "retries" in message
    code, message = await _error(harness.stub.RequestLog(_log(charge_point_id="NOBODY")))
    assert code == grpc.StatusCode.NOT_FOUND and "NOBODY" in message
    code, message = await _error(
        harness.stub.GetLogRequest(pb.GetLogRequestRequest(charge_point_id=CP, request_id=9))
    )
    assert code == grpc.StatusCode.NOT_FOUND and "log-requests request 9" in message
    assert harness.edge.requests == []


async def test_customer_information_parts_are_assembled_in_order(harness: Harness) -> None:
    sent = await harness.stub.RequestCustomerInformation(
        pb.RequestCustomerInformationRequest(charge_point_id=CP, report=True, id_token="TAG-1")
    )
    assert (sent.request_id, sent.answer, sent.complete) == (1, "Accepted", False)
    (edge_request,) = harness.edge.requests_of(edge_pb.CustomerInformationRequest)
    assert edge_request.id_token == "TAG-1" and edge_request.report and not edge_request.clear

    def part(seq_no: int, data: str, tbc: bool) -> pb.RecordCustomerInformationRequest:
        return pb.RecordCustomerInformationRequest(
            charge_point_id=CP,
            request_id=1,
            seq_no=seq_no,
            tbc=tbc,
            data=data,
            generated_at=to_timestamp(datetime(2026, 2, 1, tzinfo=UTC)),
        )

    await harness.stub.RecordCustomerInformation(part(1, "second", False))
    query = pb.GetCustomerInformationRequest(charge_point_id=CP, request_id=1)
    halfway = await harness.stub.GetCustomerInformation(query)
    assert (halfway.data, halfway.parts, halfway.complete) == ("second", 1, False)
    await harness.stub.RecordCustomerInformation(part(0, "first ", True))
    done = await harness.stub.GetCustomerInformation(query)
    assert (done.data, done.parts, done.complete) == ("first second", 2, True)


async def test_bad_customer_information_requests_name_what_is_wrong(harness: Harness) -> None:
    neither = pb.RequestCustomerInformationRequest(charge_point_id=CP, id_token="T")
    code, message = await _error(harness.stub.RequestCustomerInformation(neither))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "report or clear" in message
    two = pb.RequestCustomerInformationRequest(
        charge_point_id=CP, report=True, id_token="T", customer_identifier="C"
    )
    code, message = await _error(harness.stub.RequestCustomerInformation(two))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "exactly one" in message
    assert harness.edge.requests == []


def _message(message_id: int, text: str) -> Message:
    return Message(
        id=message_id,
        priority=Message.IN_FRONT,
        state=Message.CHARGING,
        message=Content(format=Content.UTF8, language="en", content=text),
    )


async def test_the_store_follows_what_the_station_accepts_clears_and_reports(
    harness: Harness,
) -> None:
    stub = harness.stub
    listing = pb.ListDisplayMessagesRequest(charge_point_id=CP)
    accepted = await stub.SetDisplayMessage(
        pb.SetDisplayMessageRequest(charge_point_id=CP, message=_message(1, "Welcome"))
    )
    assert accepted.status == "Accepted"
    harness.edge.answer("SetDisplayMessage", "NotSupportedPriority")
    refused = await stub.SetDisplayMessage(
        pb.SetDisplayMessageRequest(charge_point_id=CP, message=_message(2, "Nope"))
    )
    assert refused.status == "NotSupportedPriority"
    shown = (await stub.ListDisplayMessages(listing)).messages
    assert [(m.id, m.message.content, m.priority) for m in shown] == [
        (1, "Welcome", Message.IN_FRONT)
    ]

    await stub.RecordDisplayMessages(
        pb.RecordDisplayMessagesRequest(
            charge_point_id=CP, request_id=7, messages=[_message(3, "Reported")]
        )
    )
    assert [m.id for m in (await stub.ListDisplayMessages(listing)).messages] == [1, 3]
    harness.edge.answer("ClearDisplayMessage", "Unknown")
    cleared = await stub.ClearDisplayMessage(
        pb.ClearDisplayMessageRequest(charge_point_id=CP, id=1)
    )
    assert cleared.status == "Unknown"
    assert [m.id for m in (await stub.ListDisplayMessages(listing)).messages] == [3]

    asked = await stub.RequestDisplayMessages(
        pb.RequestDisplayMessagesRequest(charge_point_id=CP, ids=[3])
    )
    assert (asked.status, asked.request_id) == ("Accepted", 1)
    harness.edge.answer("GetDisplayMessages", "Unknown")
    await stub.RequestDisplayMessages(pb.RequestDisplayMessagesRequest(charge_point_id=CP))
    assert list((await stub.ListDisplayMessages(listing)).messages) == []


async def test_bad_display_messages_name_the_field(harness: Harness) -> None:
    no_priority = Message(id=1, message=Content(content="x"))
    code, message = await _error(
        harness.stub.SetDisplayMessage(
            pb.SetDisplayMessageRequest(charge_point_id=CP, message=no_priority)
        )
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "message.priority" in message
    too_long = _message(1, "x" * 513)
    code, message = await _error(
        harness.stub.SetDisplayMessage(
            pb.SetDisplayMessageRequest(charge_point_id=CP, message=too_long)
        )
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "message.message.content" in message
    assert harness.edge.requests == []
