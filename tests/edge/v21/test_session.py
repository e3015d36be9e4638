"""The edge end to end over real sockets for OCPP 2.1: the 2.0.1 session over the 2.1
vocabulary, 2.1's spelling of error codes and the actions 2.1 added."""

from __future__ import annotations

from typing import Any

import pytest

from edge.server import RunningEdge
from tests.edge.support.v2_monitoring import check_monitoring, send_monitoring
from tests.edge.support.v2_station import (
    BOOT,
    NOW,
    admission,
    check_full_session,
    full_session,
    station,
)
from tests.support.fake_services import Fakes

V21 = "ocpp2.1"


async def test_a_whole_charging_session(edge: RunningEdge, fakes: Fakes) -> None:
    async with station(edge, V21) as cp:
        assert cp.connection.subprotocol == "ocpp2.1"
        await full_session(cp, "2.1")
    check_full_session(fakes, "2.1")


async def test_the_query_form_selects_21(edge: RunningEdge, fakes: Fakes) -> None:
    async with station(edge, V21, "CS-1?version=2.1") as cp:
        await cp.result("BootNotification", BOOT)
    (boot,) = fakes.recorder.requests("RecordBoot")
    assert (boot.charge_point_id, boot.ocpp_version) == ("CS-1", "2.1")


async def test_the_admission_flow(edge: RunningEdge, fakes: Fakes) -> None:
    async with station(edge, V21) as cp:
        await admission(cp, fakes)


async def test_a_21_transaction_with_21_fields(edge: RunningEdge, fakes: Fakes) -> None:
    event = {
        "eventType": "Ended",
        "timestamp": NOW,
        "triggerReason": "EVCommunicationLost",
        "seqNo": 0,
        "transactionInfo": {
            "transactionId": "TX-9",
            "stoppedReason": "ReqEnergyTransferRejected",
            "transactionLimit": {"maxEnergy": 1000},
        },
        "idToken": {"idToken": "TAG-9", "type": "MacAddress"},
    }
    async with station(edge, V21) as cp:
        assert await cp.result("TransactionEvent", event) == {"idTokenInfo": {"status": "Accepted"}}
    (request,) = fakes.recorder.requests("RecordTransactionEvent")
    assert (request.station_transaction_id, request.id_token_type) == ("TX-9", "MacAddress")


ANSWERED_ONLY_V21: list[tuple[str, dict[str, Any]]] = [
    (
        "BatterySwap",
        {
            "eventType": "BatteryIn",
            "requestId": 1,
            "idToken": {"idToken": "T", "type": "ISO14443"},
            "batteryData": [{"evseId": 1, "serialNumber": "B1", "soC": 80, "soH": 95}],
        },
    ),
    ("ClosePeriodicEventStream", {"id": 1}),
    ("NotifyDERAlarm", {"controlType": "FreqDroop", "timestamp": NOW}),
    ("NotifyDERStartStop", {"controlId": "c1", "started": True, "timestamp": NOW}),
    ("NotifyPriorityCharging", {"transactionId": "TX-1", "activated": True}),
    (
        "NotifySettlement",
        {"pspRef": "p1", "status": "Settled", "settlementAmount": 12.5, "settlementTime": NOW},
    ),
    ("ReportDERControl", {"requestId": 1}),
]


@pytest.mark.parametrize(("action", "payload"), ANSWERED_ONLY_V21)
async def test_answered_only_actions(
    edge: RunningEdge, fakes: Fakes, action: str, payload: dict[str, Any]
) -> None:
    async with station(edge, V21) as cp:
        assert await cp.result(action, payload) == {}
    assert fakes.recorder.calls == []


@pytest.mark.parametrize(
    ("action", "payload", "code", "words"),
    [
        ("VatNumberValidation", {"vatNumber": "x"}, "NotImplemented", "OCPP 2.1 action"),
        ("OpenPeriodicEventStream", {}, "NotImplemented", "does not handle yet"),
        ("PullDynamicScheduleUpdate", {}, "NotImplemented", "does not handle yet"),
        (
            "MeterValues",
            {"evseId": 1, "meterValue": []},
            "OccurrenceConstraintViolation",
            "meterValue",
        ),
        ("Heartbeat", {"extra": 1}, "FormatViolation", "'extra' was unexpected"),
    ],
)
async def test_bad_calls_get_a_21_callerror(
    edge: RunningEdge, action: str, payload: dict[str, Any], code: str, words: str
) -> None:
    async with station(edge, V21) as cp:
        reply = await cp.call(action, payload)
        assert reply[0] == 4
        assert reply[2] == code, reply
        assert words in reply[3], reply[3]
        await cp.still_works()


async def test_bad_frames_get_21_codes(edge: RunningEdge) -> None:
    async with station(edge, V21) as cp:
        reply = await cp.raw('[7, "x1", {}]')
        assert reply[:3] == [4, "x1", "MessageTypeNotSupported"]
        reply = await cp.raw("[2, ")
        assert reply[:3] == [4, "-1", "RpcFrameworkError"]
        await cp.still_works()


async def test_callresulterror_and_send_are_never_answered(edge: RunningEdge) -> None:
    """OCPP-J 2.1 message types 5 and 6 are not CALLs: the next frame the station
    receives is the answer to its Heartbeat."""
    async with station(edge, V21) as cp:
        await cp.connection.send('[5, "r1", "GenericError", "bad result", {}]')
        await cp.connection.send('[6, "s1", "NotifyPeriodicEventStream", {}]')
        reply = await cp.call("Heartbeat", {})
        assert reply[0] == 3


async def test_201_still_answers_type_5_as_unsupported(edge: RunningEdge) -> None:
    async with station(edge) as cp:
        reply = await cp.raw('[5, "r1", "GenericError", "x", {}]')
        assert reply[:3] == [4, "r1", "MessageTypeNotSupported"]


async def test_monitoring_reports_and_events_reach_chargepoint_svc(
    edge: RunningEdge, fakes: Fakes
) -> None:
    async with station(edge, V21) as cp:
        await send_monitoring(cp, "2.1")
    check_monitoring(fakes, "2.1")
