"""The edge end to end over real sockets for OCPP 2.0.1: a websockets client speaking raw
OCPP-J 2.0.1 to the real edge, which calls real gRPC servers playing the services."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

from csms.chargepoint.v1 import chargepoint_pb2
from csms.chargepoint.v1.chargepoint_pb2 import ChargePoint
from csms.edge.v1 import operations_pb2
from edge.server import RunningEdge
from tests.support.fake_services import Fakes
from tests.support.remote_station import edge_stub

PATIENCE = 10.0
BOOT = {"reason": "PowerUp", "chargingStation": {"vendorName": "VendorX", "model": "ModelY"}}
TOKEN = {"idToken": "TAG-1", "type": "ISO14443"}
NOW = "2024-05-01T12:00:00Z"


class Station:
    """A raw OCPP-J client: what it sends and receives is exactly the JSON on the wire."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.counter = 0

    async def receive(self) -> list[Any]:
        frame: list[Any] = json.loads(await asyncio.wait_for(self.connection.recv(), PATIENCE))
        return frame

    async def raw(self, frame: str) -> list[Any]:
        await self.connection.send(frame)
        return await self.receive()

    async def call(self, action: str, payload: dict[str, Any]) -> list[Any]:
        self.counter += 1
        unique_id = f"m{self.counter}"
        reply = await self.raw(json.dumps([2, unique_id, action, payload]))
        assert reply[1] == unique_id, reply
        return reply

    async def result(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        reply = await self.call(action, payload)
        assert reply[0] == 3, reply
        return reply[2]  # type: ignore[no-any-return]

    async def csms_call(self) -> list[Any]:
        """The next CALL the CSMS sends."""
        frame = await self.receive()
        assert frame[0] == 2, frame
        return frame

    async def answer(self, frame: list[Any], payload: dict[str, Any]) -> None:
        await self.connection.send(json.dumps([3, frame[1], payload]))

    async def still_works(self) -> None:
        assert "currentTime" in await self.result("Heartbeat", {})


@asynccontextmanager
async def station(
    edge: RunningEdge, subprotocol: str = "ocpp2.0.1", charge_point_id: str = "CS-1"
) -> AsyncIterator[Station]:
    url = f"ws://127.0.0.1:{edge.ws_port}/ocpp/{charge_point_id}"
    async with connect(url, subprotocols=[Subprotocol(subprotocol)]) as ws:
        yield Station(ws)


def transaction_event(event_type: str, seq_no: int, **fields: Any) -> dict[str, Any]:
    return {
        "eventType": event_type,
        "timestamp": NOW,
        "triggerReason": fields.pop("triggerReason", "Authorized"),
        "seqNo": seq_no,
        "transactionInfo": {"transactionId": "TX-1", **fields.pop("transactionInfo", {})},
        **fields,
    }


async def full_session(cp: Station, version: str) -> None:
    """Boot, Status, Authorize, TransactionEvent Started/Updated/Ended, MeterValues,
    Heartbeat, and the other stored notifications, as any 2.x station sends them."""
    assert await cp.result("BootNotification", BOOT) == {
        "status": "Accepted",
        "currentTime": "2024-05-01T12:00:00.000Z",
        "interval": 300,
    }
    status = {"timestamp": NOW, "connectorStatus": "Occupied", "evseId": 1, "connectorId": 1}
    assert await cp.result("StatusNotification", status) == {}
    assert await cp.result("Authorize", {"idToken": TOKEN}) == {
        "idTokenInfo": {"status": "Accepted"}
    }
    started = transaction_event(
        "Started",
        0,
        idToken=TOKEN,
        evse={"id": 1, "connectorId": 1},
        transactionInfo={"chargingState": "Charging"},
        meterValue=[{"timestamp": NOW, "sampledValue": [{"value": 1000}]}],
    )
    assert await cp.result("TransactionEvent", started) == {"idTokenInfo": {"status": "Accepted"}}
    sample = {"value": 1.25, "unitOfMeasure": {"unit": "kWh", "multiplier": 3}}
    updated = transaction_event(
        "Updated",
        1,
        triggerReason="MeterValuePeriodic",
        meterValue=[{"timestamp": NOW, "sampledValue": [sample]}],
    )
    assert await cp.result("TransactionEvent", updated) == {}
    ended = transaction_event(
        "Ended", 2, triggerReason="StopAuthorized", transactionInfo={"stoppedReason": "Local"}
    )
    assert await cp.result("TransactionEvent", ended) == {}
    meter = {"evseId": 0, "meterValue": [{"timestamp": NOW, "sampledValue": [{"value": 5}]}]}
    assert await cp.result("MeterValues", meter) == {}
    assert await cp.result("Heartbeat", {}) == {"currentTime": "2024-05-01T12:00:00.000Z"}
    event = {"type": "FirmwareUpdated", "timestamp": NOW}
    assert await cp.result("SecurityEventNotification", event) == {}
    events = {
        "generatedAt": NOW,
        "seqNo": 0,
        "eventData": [
            {
                "eventId": 1,
                "timestamp": NOW,
                "trigger": "Alerting",
                "actualValue": "true",
                "component": {"name": "Door"},
                "variable": {"name": "Problem"},
                "eventNotificationType": "HardWiredNotification",
            }
        ],
    }
    assert await cp.result("NotifyEvent", events) == {}
    assert await cp.result("LogStatusNotification", {"status": "Uploaded", "requestId": 3}) == {}
    firmware = {"status": "Installed", "requestId": 4}
    assert await cp.result("FirmwareStatusNotification", firmware) == {}
    transfer = {"vendorId": "com.example", "data": {"pingPong": [1, 2]}}
    assert await cp.result("DataTransfer", transfer) == {"status": "UnknownVendorId"}


def check_full_session(fakes: Fakes, version: str, charge_point_id: str = "CS-1") -> None:
    recorder = fakes.recorder
    assert recorder.methods() == [
        "RecordBoot",
        "RecordConnectorStatus",
        "Authorize",
        "RecordTransactionEvent",
        "RecordTransactionEvent",
        "RecordTransactionEvent",
        "RecordMeterValues",
        "RecordHeartbeat",
        "RecordSecurityEvent",
        "RecordEvents",
        "RecordDiagnosticsStatus",
        "RecordFirmwareStatus",
        "RecordDataTransfer",
    ]
    (boot,) = recorder.requests("RecordBoot")
    assert (boot.charge_point_id, boot.ocpp_version, boot.reason) == (
        charge_point_id,
        version,
        "PowerUp",
    )
    started, updated, ended = recorder.requests("RecordTransactionEvent")
    assert started.ocpp_version == version
    assert (started.event_type, started.id_tag, started.evse_id) == (1, "TAG-1", 1)
    assert started.meter_values[0].sampled_values[0].value == 1000
    assert updated.meter_values[0].sampled_values[0].value == 1250
    assert updated.meter_values[0].sampled_values[0].unit == "kWh"
    assert (ended.event_type, ended.seq_no, ended.stopped_reason) == (3, 2, 8)
    assert {e.station_transaction_id for e in (started, updated, ended)} == {"TX-1"}
    (meter,) = recorder.requests("RecordMeterValues")
    assert (meter.evse_id, meter.transaction_id) == (0, 0)
    (log,) = recorder.requests("RecordDiagnosticsStatus")
    assert (log.status, log.request_id) == ("Uploaded", 3)
    (transfer,) = recorder.requests("RecordDataTransfer")
    assert transfer.data == '{"pingPong":[1,2]}'


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


async def admission(cp: Station, fakes: Fakes) -> None:
    """OCPP 2.0.1 B02/B07: Pending, GetBaseReport after the answer, NotifyReport, then
    TriggerMessage BootNotification after that answer, and an Accepted boot."""
    fakes.recorder.registration = ChargePoint.PENDING
    fakes.recorder.request_base_report = True
    assert (await cp.result("BootNotification", BOOT))["status"] == "Pending"
    get_report = await cp.csms_call()
    assert get_report[2] == "GetBaseReport"
    assert get_report[3]["reportBase"] == "FullInventory"
    request_id = get_report[3]["requestId"]
    await cp.answer(get_report, {"status": "Accepted"})
    report = {
        "requestId": request_id,
        "generatedAt": NOW,
        "seqNo": 0,
        "tbc": True,
        "reportData": [
            {
                "component": {"name": "OCPPCommCtrlr"},
                "variable": {"name": "HeartbeatInterval"},
                "variableAttribute": [{"value": "300"}],
            }
        ],
    }
    assert await cp.result("NotifyReport", report) == {}
    fakes.recorder.admit_now = True
    fakes.recorder.registration = ChargePoint.ACCEPTED
    fakes.recorder.request_base_report = False
    last = {"requestId": request_id, "generatedAt": NOW, "seqNo": 1, "tbc": False}
    assert await cp.result("NotifyReport", last) == {}
    trigger = await cp.csms_call()
    assert trigger[2:] == ["TriggerMessage", {"requestedMessage": "BootNotification"}]
    await cp.answer(trigger, {"status": "Accepted"})
    assert (await cp.result("BootNotification", BOOT))["status"] == "Accepted"
    await cp.still_works()
    first, second = fakes.recorder.requests("RecordReport")
    assert (first.request_id, first.tbc, second.seq_no, second.tbc) == (request_id, True, 1, False)
    assert first.variables[0].variable == "HeartbeatInterval"


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


ANSWERED_ONLY_V201: list[tuple[str, dict[str, Any]]] = [
    ("NotifyChargingLimit", {"chargingLimit": {"chargingLimitSource": "EMS"}}),
    ("ClearedChargingLimit", {"chargingLimitSource": "EMS"}),
    (
        "ReportChargingProfiles",
        {
            "requestId": 1,
            "chargingLimitSource": "CSO",
            "evseId": 1,
            "chargingProfile": [
                {
                    "id": 1,
                    "stackLevel": 0,
                    "chargingProfilePurpose": "TxDefaultProfile",
                    "chargingProfileKind": "Absolute",
                    "chargingSchedule": [
                        {
                            "id": 1,
                            "chargingRateUnit": "W",
                            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 11000}],
                        }
                    ],
                }
            ],
        },
    ),
    ("NotifyCustomerInformation", {"data": "x", "seqNo": 0, "generatedAt": NOW, "requestId": 1}),
    ("NotifyMonitoringReport", {"requestId": 1, "seqNo": 0, "generatedAt": NOW}),
    ("NotifyDisplayMessages", {"requestId": 1}),
    ("ReservationStatusUpdate", {"reservationId": 1, "reservationUpdateStatus": "Expired"}),
    ("PublishFirmwareStatusNotification", {"status": "Published", "requestId": 1}),
]


@pytest.mark.parametrize(("action", "payload"), ANSWERED_ONLY_V201)
async def test_answered_only_actions(
    edge: RunningEdge, fakes: Fakes, action: str, payload: dict[str, Any]
) -> None:
    async with station(edge) as cp:
        assert await cp.result(action, payload) == {}
    assert fakes.recorder.calls == []


@pytest.mark.parametrize(
    ("frame", "unique_id", "code", "words"),
    [
        ("not json", "-1", "RpcFrameworkError", "not valid JSON"),
        ('[2, "m1", "Heartbeat"]', "m1", "RpcFrameworkError", "a CALL has 4 elements"),
        ('[7, "m2", "Heartbeat", {}]', "m2", "MessageTypeNotSupported", "MessageTypeId 7"),
    ],
)
async def test_bad_frames_get_2x_codes(
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
        ("GetCertificateStatus", {}, "NotImplemented", "does not handle yet"),
        ("NotifyEVChargingNeeds", {}, "NotImplemented", "does not handle yet"),
        ("StartTransaction", {}, "NotImplemented", "'StartTransaction' is not an OCPP 2.0.1"),
        ("Heartbeat", {"extra": 1}, "FormatViolation", "'extra' was unexpected"),
        ("Authorize", {}, "ProtocolError", "'idToken' is a required property"),
        (
            "StatusNotification",
            {"timestamp": NOW, "connectorStatus": "Charging", "evseId": 1, "connectorId": 1},
            "PropertyConstraintViolation",
            "connectorStatus: 'Charging' is not one of",
        ),
        (
            "MeterValues",
            {"evseId": 1, "meterValue": []},
            "OccurenceConstraintViolation",
            "meterValue",
        ),
    ],
)
async def test_bad_calls_get_a_2x_callerror(
    edge: RunningEdge, action: str, payload: dict[str, Any], code: str, words: str
) -> None:
    async with station(edge) as cp:
        reply = await cp.call(action, payload)
        assert reply[0] == 4
        assert reply[2] == code, reply
        assert words in reply[3], reply[3]
        await cp.still_works()


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
