"""The smart charging messages a 2.x station sends (OCPP 2.0.1 K09, K12, K13, K15, K17)
through the real edge over real sockets, to real gRPC servers playing the services: what
reaches chargepoint_svc, what the station is answered, and the TxProfile that follows an
EV's needs."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
import pytest

from csms.edge.v1 import smart_charging_pb2 as edge_pb2
from edge.server import RunningEdge
from tests.edge.support.v2_station import BOOT, NOW, TOKEN, station, transaction_event
from tests.support.fake_services import Fakes

VERSIONS = ["ocpp2.0.1", "ocpp2.1"]


async def eventually_requests(fakes: Fakes, method: str) -> list[Any]:
    """The requests a follow-up made after its answer, once it made them."""
    for _ in range(100):
        found = fakes.recorder.requests(method)
        if found:
            return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"no {method} came")


PROFILE = {
    "id": 4,
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
LIMIT_SCHEDULE = {
    "id": 1,
    "chargingRateUnit": "A",
    "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16}],
}


@pytest.mark.parametrize("subprotocol", VERSIONS)
async def test_profiles_and_limits_reach_chargepoint_svc(
    edge: RunningEdge, fakes: Fakes, subprotocol: str
) -> None:
    report = {"requestId": 3, "chargingLimitSource": "CSO", "evseId": 1, "tbc": True}
    limit = {"evseId": 1, "chargingLimit": {"chargingLimitSource": "EMS", "isGridCritical": True}}
    async with station(edge, subprotocol) as cp:
        await cp.result("BootNotification", BOOT)
        assert (
            await cp.result("ReportChargingProfiles", report | {"chargingProfile": [PROFILE]}) == {}
        )
        assert (
            await cp.result("NotifyChargingLimit", limit | {"chargingSchedule": [LIMIT_SCHEDULE]})
            == {}
        )
        assert await cp.result("ClearedChargingLimit", {"chargingLimitSource": "EMS"}) == {}
    (profiles,) = fakes.recorder.requests("RecordChargingProfiles")
    assert (profiles.charge_point_id, profiles.request_id, profiles.evse_id, profiles.tbc) == (
        "CS-1",
        3,
        1,
        True,
    )
    assert profiles.profiles[0].schedule.periods[0].limit == 11000
    (recorded,) = fakes.recorder.requests("RecordChargingLimit")
    assert recorded.limit.grid_critical and recorded.limit.schedule.periods[0].limit == 16
    (cleared,) = fakes.recorder.requests("RecordClearedChargingLimit")
    assert cleared.evse_id == 0


@pytest.mark.parametrize("subprotocol", VERSIONS)
async def test_ev_needs_are_accepted_and_followed_by_the_tx_profile(
    edge: RunningEdge, fakes: Fakes, subprotocol: str
) -> None:
    fakes.recorder.ev_offer = edge_pb2.ChargingSchedule(
        duration_seconds=3600,
        rate_unit=edge_pb2.ChargingSchedule.W,
        periods=[edge_pb2.ChargingSchedulePeriod(limit=7400)],
    )
    fakes.recorder.ev_offer.start.FromJsonString(NOW)
    needs = {
        "evseId": 1,
        "chargingNeeds": {
            "requestedEnergyTransfer": "DC",
            "dcChargingParameters": {"evMaxCurrent": 100, "evMaxVoltage": 400},
        },
    }
    async with station(edge, subprotocol) as cp:
        await cp.result("BootNotification", BOOT)
        started = transaction_event("Started", 0, idToken=TOKEN, evse={"id": 1, "connectorId": 1})
        await cp.result("TransactionEvent", started)
        assert await cp.result("NotifyEVChargingNeeds", needs) == {"status": "Accepted"}
        offer = await cp.csms_call()
        assert offer[2] == "SetChargingProfile"
        assert offer[3]["evseId"] == 1
        profile = offer[3]["chargingProfile"]
        assert (profile["id"], profile["chargingProfilePurpose"], profile["transactionId"]) == (
            900_000_001,
            "TxProfile",
            "TX-1",
        )
        assert profile["chargingSchedule"][0]["chargingSchedulePeriod"] == [
            {"startPeriod": 0, "limit": 7400}
        ]
        await cp.answer(offer, {"status": "Accepted"})
        await cp.still_works()
        # Accepted, the station holds it: kept as a profile set by the CSMS.
        (held,) = await eventually_requests(fakes, "RecordChargingProfiles")
    assert (held.evse_id, held.source, held.profiles[0].id) == (1, edge_pb2.CSO, 900_000_001)
    assert held.profiles[0].purpose == edge_pb2.ChargingProfile.TX_PROFILE
    assert held.profiles[0].schedule.periods[0].limit == 7400
    (recorded,) = fakes.recorder.requests("RecordEVChargingNeeds")
    assert (recorded.needs.max_current_a, recorded.needs.max_voltage_v) == (100, 400)


async def test_ev_needs_without_a_transaction_are_kept_and_rejected(
    edge: RunningEdge, fakes: Fakes
) -> None:
    fakes.recorder.ev_offer = edge_pb2.ChargingSchedule(
        rate_unit=edge_pb2.ChargingSchedule.W, periods=[edge_pb2.ChargingSchedulePeriod(limit=1)]
    )
    needs = {"evseId": 2, "chargingNeeds": {"requestedEnergyTransfer": "DC"}}
    async with station(edge) as cp:
        await cp.result("BootNotification", BOOT)
        answer = await cp.result("NotifyEVChargingNeeds", needs)
        assert answer["status"] == "Rejected"
        assert answer["statusInfo"]["reasonCode"] == "NoTransaction"
        # Nothing is sent: the next frame is the answer to the station's own call.
        await cp.still_works()
    assert fakes.recorder.requests("RecordEVChargingNeeds")
    assert fakes.recorder.requests("ListTransactions")


@pytest.mark.parametrize(("accepted", "status"), [(True, "Accepted"), (False, "Rejected")])
async def test_the_ev_schedule_is_answered_with_the_service_verdict(
    edge: RunningEdge, fakes: Fakes, accepted: bool, status: str
) -> None:
    fakes.recorder.ev_schedule_accepted = accepted
    schedule = {
        "timeBase": NOW,
        "evseId": 1,
        "chargingSchedule": {
            "id": 1,
            "chargingRateUnit": "W",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 5000}],
        },
    }
    async with station(edge) as cp:
        await cp.result("BootNotification", BOOT)
        assert await cp.result("NotifyEVChargingSchedule", schedule) == {"status": status}
    (recorded,) = fakes.recorder.requests("RecordEVChargingSchedule")
    assert recorded.schedule.start.ToJsonString() == NOW


async def test_a_limit_the_service_refuses_is_a_callerror(edge: RunningEdge, fakes: Fakes) -> None:
    fakes.recorder.failures["RecordChargingLimit"] = (
        grpc.StatusCode.INVALID_ARGUMENT,
        "limit.evse_id must be 0 or more",
    )
    async with station(edge) as cp:
        await cp.result("BootNotification", BOOT)
        reply = await cp.call(
            "NotifyChargingLimit", {"chargingLimit": {"chargingLimitSource": "SO"}}
        )
        assert reply[0] == 4 and "evse_id" in reply[3]
