"""chargepoint_svc's StationRequestCalls adapter against a real (scripted) EdgeService gRPC
server: the requests as the edge expects them, the answers as the stations gave them, and
the edge's errors passed on with their status."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import pytest

from chargepoint_svc.adapters.edge_requests import EdgeRequests
from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.display_messages import DisplayMessage
from chargepoint_svc.domain.station_requests import RequestKind, StationRequest
from csms.common.v1.display_message_pb2 import DisplayMessage as Message
from csms.common.v1.display_message_pb2 import MessageContent
from csms.edge.v1 import certificates_pb2, logs_and_display_pb2, operations_pb2
from servicekit.edge_errors import StationNotConnected, StationRefused
from tests.support.fake_edge import CALL_ERROR, NOT_CONNECTED, EdgeWithClient, edge_with_client

Edge = EdgeWithClient[EdgeRequests]
CP = ChargePointId("CP-1")
T0 = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture
async def edge() -> AsyncIterator[Edge]:
    async with edge_with_client(lambda channel: EdgeRequests(channel, timeout=2.0)) as served:
        yield served


def _request(kind: RequestKind, details: dict[str, Any]) -> StationRequest:
    return StationRequest(CP, kind, 9, T0, MappingProxyType(details))


async def test_get_log_sends_the_stored_request(edge: Edge) -> None:
    details = {
        "location": "ftp://x/",
        "log_type": "SECURITY",
        "retries": 1,
        "retry_interval_seconds": 5,
        "start_time": T0.isoformat(),
        "stop_time": None,
    }
    assert await edge.stations.get_log(_request(RequestKind.LOG, details)) == (
        "Accepted",
        "log-9.txt",
    )
    (sent,) = edge.fake.requests_of(operations_pb2.GetDiagnosticsRequest)
    assert (sent.request_id, sent.location, sent.retries, sent.retry_interval_seconds) == (
        9,
        "ftp://x/",
        1,
        5,
    )
    assert sent.log_type == operations_pb2.GetDiagnosticsRequest.SECURITY
    assert sent.start_time.ToDatetime(UTC) == T0 and not sent.HasField("stop_time")


async def test_customer_information_names_the_customer_by_certificate(edge: Edge) -> None:
    certificate = {
        "hash_algorithm": "SHA384",
        "issuer_name_hash": "aa",
        "issuer_key_hash": "bb",
        "serial_number": "01",
    }
    details = {"report": True, "clear": True, "customer_certificate": certificate}
    edge.fake.answer("CustomerInformation", "Invalid")
    assert (
        await edge.stations.customer_information(
            _request(RequestKind.CUSTOMER_INFORMATION, details)
        )
        == "Invalid"
    )
    (sent,) = edge.fake.requests_of(logs_and_display_pb2.CustomerInformationRequest)
    assert (sent.request_id, sent.report, sent.clear) == (9, True, True)
    hashed = sent.customer_certificate
    assert hashed.hash_algorithm == certificates_pb2.CertificateHashData.SHA384
    assert (hashed.issuer_name_hash, hashed.serial_number) == ("aa", "01")


async def test_display_message_calls(edge: Edge) -> None:
    message = DisplayMessage(
        id=3, priority="ALWAYS_FRONT", content="Hi", format="HTML", state="CHARGING"
    )
    assert await edge.stations.set_display_message(CP, message) == "Accepted"
    (sent,) = edge.fake.requests_of(logs_and_display_pb2.SetDisplayMessageRequest)
    assert sent.message == Message(
        id=3,
        priority=Message.ALWAYS_FRONT,
        state=Message.CHARGING,
        message=MessageContent(format=MessageContent.HTML, content="Hi"),
    )
    details = {"ids": [3], "priority": "", "state": "IDLE"}
    edge.fake.answer("GetDisplayMessages", "Unknown")
    asked = _request(RequestKind.DISPLAY_MESSAGES, details)
    assert await edge.stations.get_display_messages(asked) == "Unknown"
    (report,) = edge.fake.requests_of(logs_and_display_pb2.GetDisplayMessagesRequest)
    assert (list(report.ids), report.priority, report.state) == ([3], 0, Message.IDLE)
    assert await edge.stations.clear_display_message(CP, 3) == "Accepted"


async def test_the_edge_errors_pass_on(edge: Edge) -> None:
    edge.fake.answer("ClearDisplayMessage", NOT_CONNECTED, CALL_ERROR)
    with pytest.raises(StationNotConnected):
        await edge.stations.clear_display_message(CP, 1)
    with pytest.raises(StationRefused):
        await edge.stations.clear_display_message(CP, 1)
