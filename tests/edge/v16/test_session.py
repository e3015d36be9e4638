"""The edge end to end over real sockets: a websockets client speaking raw OCPP-J 1.6 to
the real edge, which calls real gRPC servers playing the services."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import grpc
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Subprotocol

from csms.chargepoint.v1 import chargepoint_pb2
from csms.common.v1 import health_pb2
from csms.edge.v1 import edge_pb2, edge_pb2_grpc
from edge.server import RunningEdge
from tests.support.fake_services import Fakes

OCPP16 = [Subprotocol("ocpp1.6")]
BOOT = {"chargePointVendor": "VendorX", "chargePointModel": "ModelY"}


class Station:
    """A raw OCPP-J client: what it sends and receives is exactly the JSON on the wire."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.counter = 0

    async def raw(self, frame: str) -> list[Any]:
        await self.connection.send(frame)
        return json.loads(await asyncio.wait_for(self.connection.recv(), 10))  # type: ignore[no-any-return]

    async def call(self, action: str, payload: dict[str, Any]) -> list[Any]:
        self.counter += 1
        unique_id = f"m{self.counter}"
        reply = await self.raw(json.dumps([2, unique_id, action, payload]))
        assert reply[1] == unique_id
        return reply

    async def result(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        reply = await self.call(action, payload)
        assert reply[0] == 3, reply
        return reply[2]  # type: ignore[no-any-return]

    async def still_works(self) -> None:
        assert "currentTime" in await self.result("Heartbeat", {})


@asynccontextmanager
async def station(
    edge: RunningEdge, path: str = "/ocpp/CP-1", subprotocols: list[Subprotocol] | None = OCPP16
) -> AsyncIterator[Station]:
    async with connect(f"ws://127.0.0.1:{edge.ws_port}{path}", subprotocols=subprotocols) as ws:
        yield Station(ws)


async def test_a_whole_charging_session(edge: RunningEdge, fakes: Fakes) -> None:
    async with station(edge) as cp:
        assert cp.connection.subprotocol == "ocpp1.6"
        boot = await cp.result("BootNotification", {**BOOT, "firmwareVersion": "1.0"})
        assert boot == {
            "status": "Accepted",
            "currentTime": "2024-05-01T12:00:00.000Z",
            "interval": 300,
        }
        await cp.result(
            "StatusNotification", {"connectorId": 0, "errorCode": "NoError", "status": "Available"}
        )
        assert await cp.result("Heartbeat", {}) == {"currentTime": "2024-05-01T12:00:00.000Z"}
        assert await cp.result("Authorize", {"idTag": "TAG-1"}) == {
            "idTagInfo": {"status": "Accepted"}
        }
        started = await cp.result(
            "StartTransaction",
            {
                "connectorId": 1,
                "idTag": "TAG-1",
                "meterStart": 1000,
                "timestamp": "2024-05-01T12:00:00Z",
            },
        )
        assert started == {"transactionId": 7, "idTagInfo": {"status": "Accepted"}}
        sample = {"timestamp": "2024-05-01T12:05:00Z", "sampledValue": [{"value": "1250"}]}
        assert (
            await cp.result(
                "MeterValues", {"connectorId": 1, "transactionId": 7, "meterValue": [sample]}
            )
            == {}
        )
        stopped = await cp.result(
            "StopTransaction",
            {
                "meterStop": 1500,
                "timestamp": "2024-05-01T12:10:00Z",
                "transactionId": 7,
                "idTag": "TAG-1",
                "reason": "Local",
                "transactionData": [sample],
            },
        )
        assert stopped == {"idTagInfo": {"status": "Accepted"}}
        transfer = await cp.result("DataTransfer", {"vendorId": "com.example", "data": "ping"})
        assert transfer == {"status": "UnknownVendorId"}
        assert await cp.result("DiagnosticsStatusNotification", {"status": "Uploaded"}) == {}
        assert await cp.result("FirmwareStatusNotification", {"status": "Installed"}) == {}

    recorder = fakes.recorder
    assert recorder.methods() == [
        "RecordBoot",
        "RecordConnectorStatus",
        "RecordHeartbeat",
        "Authorize",
        "StartTransaction",
        "RecordMeterValues",
        "StopTransaction",
        "RecordDataTransfer",
        "RecordDiagnosticsStatus",
        "RecordFirmwareStatus",
    ]
    (boot_request,) = recorder.requests("RecordBoot")
    assert (boot_request.charge_point_id, boot_request.ocpp_version) == ("CP-1", "1.6")
    assert (boot_request.vendor, boot_request.firmware_version) == ("VendorX", "1.0")
    (status,) = recorder.requests("RecordConnectorStatus")
    assert (status.evse_id, status.connector_id, status.status) == (0, 0, 1)
    assert status.HasField("timestamp")
    (authorize,) = recorder.requests("Authorize")
    assert (authorize.id_tag, authorize.purpose) == ("TAG-1", 1)
    (start_request,) = recorder.requests("StartTransaction")
    assert (start_request.evse_id, start_request.connector_id) == (1, 1)
    assert start_request.meter_start_wh == 1000
    (meter,) = recorder.requests("RecordMeterValues")
    assert meter.transaction_id == 7
    assert meter.meter_values[0].sampled_values[0].value == 1250
    (stop,) = recorder.requests("StopTransaction")
    assert (stop.transaction_id, stop.meter_stop_wh, stop.reason) == (7, 1500, 8)
    assert stop.meter_values[0].sampled_values[0].measurand == "Energy.Active.Import.Register"
    (transfer_request,) = recorder.requests("RecordDataTransfer")
    assert (transfer_request.vendor_id, transfer_request.data) == ("com.example", "ping")
    assert recorder.requests("RecordDiagnosticsStatus")[0].status == "Uploaded"
    assert recorder.requests("RecordFirmwareStatus")[0].status == "Installed"


async def test_a_signed_firmware_status_is_recorded_with_its_request_id(
    edge: RunningEdge, fakes: Fakes
) -> None:
    """1.6 security extension: SignedFirmwareStatusNotification repeats the requestId of
    the SignedUpdateFirmware, kept as for a 2.x FirmwareStatusNotification."""
    async with station(edge) as cp:
        payload = {"status": "SignatureVerified", "requestId": 9}
        assert await cp.result("SignedFirmwareStatusNotification", payload) == {}
    (recorded,) = fakes.recorder.requests("RecordFirmwareStatus")
    assert (recorded.charge_point_id, recorded.status, recorded.request_id) == (
        "CP-1",
        "SignatureVerified",
        9,
    )


async def test_a_vendors_data_transfer_answer_reaches_the_station_with_its_data(
    edge: RunningEdge, fakes: Fakes
) -> None:
    # No vendor is known to chargepoint_svc yet; when one is, its status and data travel.
    fakes.recorder.data_transfer = (chargepoint_pb2.RecordDataTransferResponse.ACCEPTED, "pong")
    async with station(edge) as cp:
        await cp.result("BootNotification", BOOT)
        transfer = {"vendorId": "com.example", "messageId": "ping", "data": "1"}
        assert await cp.result("DataTransfer", transfer) == {"status": "Accepted", "data": "pong"}


@pytest.mark.parametrize(
    ("frame", "unique_id", "code", "words"),
    [
        ("this is not json", "-1", "FormationViolation", "not valid JSON"),
        ('[2, "abc", "Heartbeat", {', "abc", "FormationViolation", "not valid JSON"),
        ('{"a": 1}', "-1", "FormationViolation", "JSON array"),
        ("[]", "-1", "FormationViolation", "JSON array"),
        ('[7, "m9", "Heartbeat", {}]', "m9", "FormationViolation", "MessageTypeId 7"),
        ('[2, "m9", "Heartbeat"]', "m9", "FormationViolation", "4 elements"),
        ('[2, "m9", "Heartbeat", {}, 1]', "m9", "FormationViolation", "got 5"),
        ('[2, "m9", 5, {}]', "m9", "FormationViolation", "action must be a string"),
        ('[2, "m9", "Heartbeat", []]', "m9", "FormationViolation", "payload must be an object"),
        ('[2, 17, "Heartbeat", {}]', "-1", "FormationViolation", "uniqueId must be a string"),
    ],
)
async def test_bad_frames_are_answered_and_the_connection_stays(
    edge: RunningEdge, frame: str, unique_id: str, code: str, words: str
) -> None:
    async with station(edge) as cp:
        reply = await cp.raw(frame)
        assert reply[:3] == [4, unique_id, code]
        assert words in reply[3]
        await cp.still_works()


@pytest.mark.parametrize(
    ("action", "payload", "code", "words"),
    [
        ("FlyToTheMoon", {}, "NotImplemented", "'FlyToTheMoon' is not an OCPP 1.6 action"),
        ("Reset", {"type": "Hard"}, "NotImplemented", "does not handle yet"),
        ("Authorize", {}, "ProtocolError", "'idTag' is a required property"),
        ("Authorize", {"idTag": 5}, "TypeConstraintViolation", "idTag: 5 is not of type 'string'"),
        (
            "Heartbeat",
            {"extra": True},
            "FormationViolation",
            "Additional properties are not allowed ('extra' was unexpected)",
        ),
        (
            "StatusNotification",
            {"connectorId": 1, "errorCode": "NoError", "status": "Dancing"},
            "PropertyConstraintViolation",
            "status: 'Dancing' is not one of",
        ),
        (
            "StartTransaction",
            {"connectorId": 1, "idTag": "T", "meterStart": 0, "timestamp": "noon"},
            "FormationViolation",
            "timestamp 'noon' is not an ISO 8601 date-time",
        ),
        (
            "MeterValues",
            {
                "connectorId": 1,
                "meterValue": [
                    {"timestamp": "2024-05-01T12:00:00Z", "sampledValue": [{"value": "x"}]}
                ],
            },
            "PropertyConstraintViolation",
            "meterValue[0].sampledValue[0].value 'x' is not a decimal number",
        ),
    ],
)
async def test_bad_calls_get_a_callerror_that_says_why(
    edge: RunningEdge, action: str, payload: dict[str, Any], code: str, words: str
) -> None:
    async with station(edge) as cp:
        reply = await cp.call(action, payload)
        assert reply[0] == 4
        assert reply[2] == code
        assert words in reply[3], reply[3]
        assert reply[4] == {}
        await cp.still_works()


async def test_an_oversize_message_closes_with_1009(edge: RunningEdge) -> None:
    async with station(edge) as cp:
        await cp.connection.send(json.dumps([2, "big", "DataTransfer", {"vendorId": "x" * 70_000}]))
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(cp.connection.recv(), 10)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1009
    async with station(edge) as cp:
        await cp.still_works()


async def test_a_result_for_an_unknown_call_is_ignored(edge: RunningEdge) -> None:
    async with station(edge) as cp:
        await cp.connection.send(json.dumps([3, "never-sent", {}]))
        await cp.connection.send(json.dumps([4, "never-sent", "GenericError", "x", {}]))
        await cp.connection.send(json.dumps([3, "malformed"]))
        await cp.still_works()


@pytest.mark.parametrize(
    ("path", "subprotocols", "status", "words"),
    [
        ("/ocpp/CP-1", None, 400, "no OCPP version"),
        ("/ocpp/CP-1", [Subprotocol("ocpp3.0")], 400, "none of the offered subprotocols"),
        ("/ocpp?chargePointId=CP-1&version=3.0", None, 400, "'3.0' is not an OCPP version"),
        ("/ocpp/CP%20ONE", OCPP16, 400, "1 to 48 characters"),
        ("/ocpp/" + "A" * 49, OCPP16, 400, "1 to 48 characters"),
        ("/somewhere/CP-1", OCPP16, 404, "no OCPP endpoint"),
        ("/ocpp?chargePointId=CP-1&version=1.6", [Subprotocol("ocpp2.1")], 400, "must agree"),
    ],
)
async def test_handshakes_are_refused_with_a_status_and_reason(
    edge: RunningEdge, path: str, subprotocols: list[Subprotocol] | None, status: int, words: str
) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with station(edge, path, subprotocols):
            pass
    assert refused.value.response.status_code == status
    assert words in refused.value.response.body.decode()


@pytest.mark.parametrize(
    ("path", "subprotocols", "selected"),
    [
        ("/ocpp/CP-1", OCPP16, "ocpp1.6"),
        ("/ocpp/CP%3A1", OCPP16, "ocpp1.6"),
        ("/ocpp?chargePointId=CP-1&version=1.6", None, None),
        ("/ocpp?chargePointId=CP-1&version=1.6", OCPP16, "ocpp1.6"),
        ("/ocpp/CP-1", [Subprotocol("ocpp3.0"), Subprotocol("ocpp1.6")], "ocpp1.6"),
        ("/ocpp/CP-1", [Subprotocol("ocpp1.6"), Subprotocol("ocpp2.1")], "ocpp1.6"),
    ],
)
async def test_both_url_forms_are_accepted(
    edge: RunningEdge,
    fakes: Fakes,
    path: str,
    subprotocols: list[Subprotocol] | None,
    selected: str | None,
) -> None:
    async with station(edge, path, subprotocols) as cp:
        assert cp.connection.subprotocol == selected
        await cp.result("BootNotification", BOOT)
    (boot,) = fakes.recorder.requests("RecordBoot")
    assert boot.charge_point_id == ("CP:1" if "%3A" in path else "CP-1")


async def test_a_service_that_is_down_gives_internal_error_and_the_connection_stays(
    edge: RunningEdge, fakes: Fakes
) -> None:
    # Down after the handshake (which asks it too: tests/edge/test_admission.py).
    fakes.recorder.failures["RecordBoot"] = (grpc.StatusCode.UNAVAILABLE, "")
    async with station(edge) as cp:
        reply = await cp.call("BootNotification", BOOT)
        assert reply[:4] == [
            4,
            "m1",
            "InternalError",
            "the chargepoint service is unavailable; retry later",
        ]
        # The other services still answer on the same connection.
        assert await cp.result("Authorize", {"idTag": "T"}) == {"idTagInfo": {"status": "Accepted"}}


async def test_a_refusal_by_a_service_is_a_property_constraint_violation(
    edge: RunningEdge, fakes: Fakes
) -> None:
    fakes.recorder.failures["StopTransaction"] = (
        grpc.StatusCode.NOT_FOUND,
        "transaction 99 does not exist at charge point CP-1",
    )
    fakes.recorder.failures["RecordDataTransfer"] = (
        grpc.StatusCode.PERMISSION_DENIED,
        "CP-1 may not send data transfers",
    )
    async with station(edge) as cp:
        reply = await cp.call(
            "StopTransaction",
            {"meterStop": 1, "timestamp": "2024-05-01T12:00:00Z", "transactionId": 99},
        )
        assert reply[2:4] == [
            "PropertyConstraintViolation",
            "transaction 99 does not exist at charge point CP-1",
        ]
        reply = await cp.call("DataTransfer", {"vendorId": "v"})
        assert reply[2:4] == ["SecurityError", "CP-1 may not send data transfers"]
        await cp.still_works()


async def test_a_reconnect_replaces_the_older_socket(edge: RunningEdge) -> None:
    async with station(edge) as old:
        await old.still_works()
        async with station(edge) as new:
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(old.connection.recv(), 10)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 1000
            assert "newer connection" in closed.value.rcvd.reason
            await new.still_works()
            sessions = edge.registry.list()
            assert [s.id for s in sessions] == ["CP-1"]
            local = new.connection.local_address
            assert sessions[0].remote_address == f"{local[0]}:{local[1]}"


async def test_list_connections_and_health_over_grpc(edge: RunningEdge) -> None:
    async with (
        grpc.aio.insecure_channel(f"127.0.0.1:{edge.grpc_port}") as channel,
        station(edge, "/ocpp/CP-B") as _b,
        station(edge, "/ocpp?chargePointId=CP-A&version=1.6", None) as a,
    ):
        await a.still_works()
        stub = edge_pb2_grpc.EdgeServiceStub(channel)
        listed = await stub.ListConnections(edge_pb2.ListConnectionsRequest(), timeout=5)
        assert [(c.charge_point_id, c.ocpp_version) for c in listed.connections] == [
            ("CP-A", "1.6"),
            ("CP-B", "1.6"),
        ]
        assert all(c.remote_address.startswith("127.0.0.1:") for c in listed.connections)
        assert all(c.HasField("connected_at") for c in listed.connections)
        health = await stub.GetHealth(health_pb2.GetHealthRequest(), timeout=5)
        assert (health.component, health.status) == ("edge", "SERVING")
