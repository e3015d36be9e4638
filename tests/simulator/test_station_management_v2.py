"""csms-sim's OCPP 2.x answers of issue 13 (simulator.v2.core, simulator.v2.network), in
2.0.1 and 2.1, against a CSMS that records what the station sends: one EVSE reset (B11,
B12), one connector's availability (G03, G04), network profiles (B09) and the connection a
prioritised slot gives (B10)."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.connection import Link
from simulator.session_v21 import OCPP21
from simulator.session_v201 import OCPP201
from simulator.v2.network import PASSWORD, PRIORITY, PROFILE, active_link
from simulator.v2.session import Protocol
from simulator.v2.state import StationState
from tests.simulator.test_session_v201 import Staying, sim

__all__ = ["sim"]


@pytest.fixture(params=[OCPP201, OCPP21], ids=["2.0.1", "2.1"])
def protocol(request: pytest.FixtureRequest) -> Protocol:
    return request.param  # type: ignore[no-any-return]


async def test_an_evse_reset_restarts_that_evse_only(sim: Staying) -> None:
    answer = await sim.call("Reset", type="OnIdle", evse_id=2)
    assert answer.status == "Accepted"
    await sim.inbox.expect("StatusNotification", evse_id=2, connector_status="Unavailable")
    await sim.inbox.expect("StatusNotification", evse_id=2, connector_status="Available")
    unknown = await sim.call("Reset", type="Immediate", evse_id=7)
    assert unknown.status == "Rejected"


async def test_an_evse_reset_waits_for_its_transaction(sim: Staying) -> None:
    token = {"id_token": "TAG-R", "type": "ISO14443"}
    started = await sim.call(
        "RequestStartTransaction", id_token=token, remote_start_id=5, evse_id=1
    )
    assert started.status == "Accepted"
    event = await sim.inbox.expect("TransactionEvent", event_type="Started")
    assert (await sim.call("Reset", type="OnIdle", evse_id=1)).status == "Scheduled"
    transaction_id = event["transaction_info"]["transaction_id"]
    assert (await sim.call("RequestStopTransaction", transaction_id=transaction_id)).status == (
        "Accepted"
    )
    await sim.inbox.expect("TransactionEvent", event_type="Ended")
    await sim.inbox.expect("StatusNotification", evse_id=1, connector_status="Unavailable")
    await sim.inbox.expect("StatusNotification", evse_id=1, connector_status="Available")


async def test_an_immediate_evse_reset_ends_its_transaction(sim: Staying) -> None:
    token = {"id_token": "TAG-I", "type": "ISO14443"}
    await sim.call("RequestStartTransaction", id_token=token, remote_start_id=6, evse_id=2)
    await sim.inbox.expect("TransactionEvent", event_type="Started")
    assert (await sim.call("Reset", type="Immediate", evse_id=2)).status == "Accepted"
    ended = await sim.inbox.expect("TransactionEvent", event_type="Ended")
    assert ended["transaction_info"]["stopped_reason"] == "ImmediateReset"
    await sim.inbox.expect("StatusNotification", evse_id=2, connector_status="Unavailable")


async def test_one_connectors_availability(sim: Staying) -> None:
    off = await sim.call(
        "ChangeAvailability",
        operational_status="Inoperative",
        evse={"id": 1, "connector_id": 1},
    )
    assert off.status == "Accepted"
    await sim.inbox.expect("StatusNotification", evse_id=1, connector_status="Unavailable")
    other = await sim.call(
        "ChangeAvailability", operational_status="Inoperative", evse={"id": 1, "connector_id": 2}
    )
    assert other.status == "Rejected"


def _connection(profile: int, url: str = "ws://csms.example.com/ocpp") -> dict[str, Any]:
    return {
        "ocpp_version": "OCPP20",
        "ocpp_transport": "JSON",
        "ocpp_csms_url": url,
        "message_timeout": 30,
        "security_profile": profile,
        "ocpp_interface": "Wired0",
    }


async def test_network_profiles_are_stored_in_their_slots(sim: Staying) -> None:
    stored = await sim.call(
        "SetNetworkProfile", configuration_slot=2, connection_data=_connection(1)
    )
    assert stored.status == "Accepted"
    for slot, profile in ((9, 1), (1, 3)):
        refused = await sim.call(
            "SetNetworkProfile", configuration_slot=slot, connection_data=_connection(profile)
        )
        assert refused.status == "Rejected", (slot, profile)


@pytest.mark.unit
def test_the_first_prioritised_slot_with_a_profile_is_used() -> None:
    state = StationState.new(1, 1.0)
    started = Link("ws://started/ocpp", "CS 1", "2.0.1", "ocpp2.0.1")
    assert active_link(state, started) == started
    state.network_profiles[2] = _connection(2, "wss://csms.example.com:4443/ocpp")
    state.device_model.adopt(PRIORITY, "3,2,1")
    state.device_model.adopt(PASSWORD, "p@ss:word-0001")
    link = active_link(state, started)
    assert link.url == "wss://CS%201:p%40ss%3Aword-0001@csms.example.com:4443/ocpp"
    assert state.device_model.value_of(PROFILE) == "2"
