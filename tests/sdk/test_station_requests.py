"""The SDK's station requests (csms_client.station_requests) against a real
ChargePointService on SQLite, sending to a real (scripted) EdgeService."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from chargepoint_svc.server import start
from csms.chargepoint.v1 import logs_and_display_pb2
from csms_client import CsmsClient
from csms_client.errors import CsmsError
from csms_client.station_requests import DisplayMessage, MessageContent
from servicekit.migrations import upgrade
from servicekit.settings import Settings
from tests.support.databases import sqlite_url
from tests.support.fake_edge import NOT_CONNECTED, FakeEdge, serving
from tests.support.settings import with_network

CP = "CP-SDK"
SECURITY = logs_and_display_pb2.RequestLogRequest.SECURITY


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[tuple[CsmsClient, FakeEdge]]:
    url = sqlite_url(tmp_path, "chargepoint")
    await asyncio.to_thread(upgrade, "chargepoint", url)
    edge = FakeEdge()  # type: ignore[abstract]  # serves the operations under test only
    async with serving(edge) as edge_address:
        settings = with_network(
            Settings.from_env(
                {"CSMS_DATA_DIR": str(tmp_path), "CSMS_CHARGEPOINT_DATABASE_URL": url}
            ),
            edge_address=edge_address,
            grpc_timeout=3.0,
        )
        service = await start(settings.network, settings.storage, settings.charge_points, port=0)
        async with CsmsClient(chargepoint=f"127.0.0.1:{service.port}", timeout=5) as sdk:
            await sdk.charge_points.create(CP)
            yield sdk, edge
        await service.stop()


async def test_logs_customer_information_and_display_messages(
    client: tuple[CsmsClient, FakeEdge],
) -> None:
    sdk, edge = client
    requests = sdk.station_requests
    log = await requests.request_log(CP, "ftp://example.com/", security=True, requested_by="sdk")
    assert (log.request_id, log.answer, log.log_type) == (1, "Accepted", SECURITY)
    assert (await requests.log_request(CP, 1)).requested_by == "sdk"
    assert [r.request_id for r in (await requests.log_requests(CP)).log_requests] == [1]

    info = await requests.request_customer_information(CP, id_token="TAG-1")
    assert (info.request_id, info.answer) == (2, "Accepted")
    assert (await requests.customer_information(CP, 2)).id_token == "TAG-1"

    message = DisplayMessage(
        id=4, priority=DisplayMessage.NORMAL_CYCLE, message=MessageContent(content="Hi")
    )
    assert await requests.set_display_message(CP, message) == "Accepted"
    assert [m.id for m in await requests.display_messages(CP)] == [4]
    report = await requests.request_display_messages(CP, ids=[4])
    assert (report.status, report.request_id) == ("Accepted", 3)
    assert await requests.clear_display_message(CP, 4) == "Accepted"
    assert await requests.display_messages(CP) == []

    edge.answer("GetDiagnostics", NOT_CONNECTED)
    with pytest.raises(CsmsError) as raised:
        await requests.request_log(CP, "ftp://example.com/")
    assert raised.value.code.name == "NOT_FOUND"
