"""A station not Accepted may send only BootNotification and what the CSMS asked it for
(OCPP 2.0.1 B02.FR.09, B03.FR.07; OCPP 1.6 §4.2): the pure rules of
:mod:`edge.registration`, then the edge over a real socket in 1.6, 2.0.1 and 2.1, with
real gRPC servers playing the services."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from csms.chargepoint.v1.chargepoint_pb2 import ChargePoint
from csms.edge.v1 import operations_pb2
from edge.registration import PENDING, REJECTED, Registration
from edge.server import RunningEdge
from tests.edge.support.v2_station import BOOT, NOW, Station, station
from tests.support.fake_services import Fakes
from tests.support.remote_station import edge_stub

BOOT_16 = {"chargePointVendor": "VendorX", "chargePointModel": "ModelY"}
STATUS_16 = {"connectorId": 1, "errorCode": "NoError", "status": "Available"}
STATUS_2X = {"timestamp": NOW, "connectorStatus": "Available", "evseId": 1, "connectorId": 1}
VERSIONS = [
    ("ocpp1.6", BOOT_16, STATUS_16),
    ("ocpp2.0.1", BOOT, STATUS_2X),
    ("ocpp2.1", BOOT, STATUS_2X),
]


# --- the rules ----------------------------------------------------------------------------


@pytest.mark.unit
def test_pending_refuses_what_was_not_asked_for() -> None:
    registration = Registration(PENDING)
    assert registration.refusal("BootNotification") is None
    refusal = registration.refusal("StatusNotification")
    assert refusal is not None and "B02.FR.09" in refusal and "Pending" in refusal


@pytest.mark.unit
def test_pending_allows_what_the_csms_asked_for() -> None:
    registration = Registration(PENDING)
    registration.asked("GetBaseReport", {"requestId": 1})
    registration.asked("TriggerMessage", {"requestedMessage": "StatusNotification"})
    registration.asked("ExtendedTriggerMessage", {"requestedMessage": "SignChargePointCertificate"})
    for action in ("NotifyReport", "StatusNotification", "SignCertificate"):
        assert registration.refusal(action) is None, action
    assert registration.refusal("Heartbeat") is not None


@pytest.mark.unit
def test_other_requests_allow_nothing() -> None:
    registration = Registration(PENDING)
    registration.asked("SetVariables", {"setVariableData": []})
    registration.asked("GetVariables", {"getVariableData": []})
    assert registration.refusal("NotifyReport") is not None
    assert registration.refusal("Heartbeat") is not None


@pytest.mark.unit
def test_a_new_boot_answer_forgets_what_was_asked() -> None:
    registration = Registration(PENDING)
    registration.asked("TriggerMessage", {"requestedMessage": "Heartbeat"})
    registration.booted(PENDING)
    assert registration.refusal("Heartbeat") is not None
    registration.booted("Accepted")
    assert registration.refusal("Heartbeat") is None


@pytest.mark.unit
def test_rejected_refuses_everything_but_a_boot() -> None:
    registration = Registration(REJECTED)
    registration.asked("TriggerMessage", {"requestedMessage": "Heartbeat"})
    refusal = registration.refusal("Heartbeat")
    assert refusal is not None and "B03.FR.07" in refusal
    assert registration.refusal("BootNotification") is None


# --- over a socket ------------------------------------------------------------------------


async def _security_error(cp: Station, action: str, payload: dict[str, Any]) -> str:
    reply = await cp.call(action, payload)
    assert reply[0] == 4, reply
    assert reply[2] == "SecurityError", reply
    return str(reply[3])


@pytest.mark.parametrize(("subprotocol", "boot", "status"), VERSIONS)
async def test_a_pending_station_gets_security_error(
    edge: RunningEdge, fakes: Fakes, subprotocol: str, boot: dict[str, Any], status: Any
) -> None:
    fakes.recorder.registration = ChargePoint.PENDING
    async with station(edge, subprotocol) as cp:
        assert (await cp.result("BootNotification", boot))["status"] == "Pending"
        description = await _security_error(cp, "StatusNotification", status)
        assert "Pending" in description
        await _security_error(cp, "Heartbeat", {})
        # Booting again is what it may do; once Accepted, everything is answered.
        fakes.recorder.registration = ChargePoint.ACCEPTED
        assert (await cp.result("BootNotification", boot))["status"] == "Accepted"
        assert await cp.result("StatusNotification", status) == {}
    # Only the status sent once Accepted reached the service; the Heartbeat never did.
    methods = [method for method, _request in fakes.recorder.calls]
    assert methods.count("RecordConnectorStatus") == 1, methods
    assert "RecordHeartbeat" not in methods, methods


@pytest.mark.parametrize(("subprotocol", "boot", "status"), VERSIONS)
async def test_a_rejected_station_gets_security_error(
    edge: RunningEdge, fakes: Fakes, subprotocol: str, boot: dict[str, Any], status: Any
) -> None:
    fakes.recorder.registration = ChargePoint.REJECTED
    async with station(edge, subprotocol) as cp:
        assert (await cp.result("BootNotification", boot))["status"] == "Rejected"
        assert "rejected" in await _security_error(cp, "StatusNotification", status)
        assert (await cp.result("BootNotification", boot))["status"] == "Rejected"
    assert "RecordConnectorStatus" not in [method for method, _ in fakes.recorder.calls]


@pytest.mark.parametrize(("subprotocol", "boot", "status"), VERSIONS)
async def test_a_triggered_message_of_a_pending_station_is_answered(
    edge: RunningEdge, fakes: Fakes, subprotocol: str, boot: dict[str, Any], status: Any
) -> None:
    fakes.recorder.registration = ChargePoint.PENDING
    async with station(edge, subprotocol) as cp, edge_stub(edge) as stub:
        assert (await cp.result("BootNotification", boot))["status"] == "Pending"
        await _security_error(cp, "StatusNotification", status)
        request = operations_pb2.TriggerMessageRequest(
            charge_point_id="CS-1",
            requested_message=operations_pb2.TriggerMessageRequest.STATUS_NOTIFICATION,
            evse_id=1,
        )
        asked = asyncio.ensure_future(stub.TriggerMessage(request, timeout=10))
        trigger = await cp.csms_call()
        assert trigger[2] == "TriggerMessage"
        await cp.answer(trigger, {"status": "Accepted"})
        await asked
        assert await cp.result("StatusNotification", status) == {}


async def test_a_station_that_did_not_boot_on_this_connection_is_answered(
    edge: RunningEdge, fakes: Fakes
) -> None:
    # B02.FR.09 is about a station that received a Pending answer; one that reconnected
    # without booting (OCPP-J 2.0.1 Part 4 §5.4) is served as before.
    fakes.recorder.registration = ChargePoint.PENDING
    async with station(edge) as cp:
        assert await cp.result("StatusNotification", STATUS_2X) == {}
