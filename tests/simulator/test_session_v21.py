"""The same tests as :mod:`tests.simulator.test_session_v201`, through OCPP 2.1: the
station and the CSMS validate every message against ``ocpp.v21``'s schemas."""

from __future__ import annotations

import pytest

from simulator.session_v21 import OCPP21
from simulator.v2.session import Protocol
from tests.simulator.test_session_v201 import (
    Staying,
    sim,
    test_a_pending_station_sends_its_base_report_then_boots_again,
    test_a_rejected_boot_stops,
    test_a_report_selects_variables,
    test_a_reset_reconnects_and_boots_again,
    test_an_invalid_token_is_explained,
    test_request_start_charges_until_request_stop,
    test_reservations_by_connector_type_end_as_a_station_ends_them,
    test_the_charging_session,
    test_the_cli_runs_a_session,
    test_the_other_operations_are_answered,
    test_triggered_messages_are_sent_for_the_evse_asked,
    test_variables_are_read_and_written,
    test_variables_past_the_station_limits_are_refused,
)

__all__ = [
    "sim",
    "test_a_pending_station_sends_its_base_report_then_boots_again",
    "test_a_rejected_boot_stops",
    "test_a_report_selects_variables",
    "test_a_reset_reconnects_and_boots_again",
    "test_an_invalid_token_is_explained",
    "test_request_start_charges_until_request_stop",
    "test_reservations_by_connector_type_end_as_a_station_ends_them",
    "test_the_charging_session",
    "test_the_cli_runs_a_session",
    "test_the_other_operations_are_answered",
    "test_triggered_messages_are_sent_for_the_evse_asked",
    "test_variables_are_read_and_written",
    "test_variables_past_the_station_limits_are_refused",
]


@pytest.fixture
def protocol() -> Protocol:
    return OCPP21


async def test_a_custom_trigger_sends_what_the_station_knows(sim: Staying) -> None:
    """2.1 F06: CustomTrigger names the message; this station knows its DataTransfer."""
    known = await sim.call(
        "TriggerMessage", requested_message="CustomTrigger", custom_trigger="DataTransfer"
    )
    assert known.status == "Accepted"
    await sim.inbox.expect("DataTransfer", vendor_id="csms-sim", message_id="Triggered")
    unknown = await sim.call(
        "TriggerMessage", requested_message="CustomTrigger", custom_trigger="Nope"
    )
    assert unknown.status == "NotImplemented"
    assert (await sim.call("TriggerMessage", requested_message="SignV2G20Certificate")).status == (
        "Accepted"
    )
    await sim.inbox.expect("SignCertificate", certificate_type="V2G20Certificate")
