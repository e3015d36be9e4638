"""A raw OCPP-J 2.x station over a real socket, and the 2.0.1 session it plays: shared by the
2.0.1 and 2.1 end-to-end tests (tests/edge/v201/, tests/edge/v21/)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from csms.chargepoint.v1.chargepoint_pb2 import ChargePoint
from edge.server import RunningEdge
from tests.support.fake_services import Fakes

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
