"""The simulated 2.x station's display messages (O01-O06) and customer information
(N09-N10), with --stay against a real WebSocket CSMS, in OCPP 2.0.1 and 2.1."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.session_v21 import OCPP21
from simulator.session_v201 import OCPP201
from simulator.v2.session import Protocol
from tests.simulator.test_session_v201 import Staying, sim

__all__ = ["sim"]


@pytest.fixture(params=[OCPP201, OCPP21], ids=["2.0.1", "2.1"])
def protocol(request: pytest.FixtureRequest) -> Protocol:
    chosen: Protocol = request.param
    return chosen


def message(message_id: int, priority: str, state: str | None = None) -> dict[str, Any]:
    info: dict[str, Any] = {
        "id": message_id,
        "priority": priority,
        "message": {"format": "UTF8", "content": f"message {message_id}"},
    }
    if state is not None:
        info["state"] = state
    return info


async def test_display_messages_are_held_reported_in_parts_and_cleared(sim: Staying) -> None:
    for info in (message(1, "InFront"), message(2, "NormalCycle", "Idle"), message(3, "InFront")):
        assert (await sim.call("SetDisplayMessage", message=info)).status == "Accepted"
    unknown = dict(message(4, "InFront"), transaction_id="not-running")
    assert (await sim.call("SetDisplayMessage", message=unknown)).status == "UnknownTransaction"

    asked = await sim.call("GetDisplayMessages", request_id=21, priority="InFront")
    assert asked.status == "Accepted"
    first = await sim.inbox.expect("NotifyDisplayMessages", request_id=21)
    second = await sim.inbox.expect("NotifyDisplayMessages", request_id=21, tbc=False)
    assert first["tbc"] is True
    assert [m["id"] for m in first["message_info"] + second["message_info"]] == [1, 3]

    assert (await sim.call("ClearDisplayMessage", id=1)).status == "Accepted"
    assert (await sim.call("ClearDisplayMessage", id=1)).status == "Unknown"
    only_one = await sim.call("GetDisplayMessages", request_id=22, id=[1])
    assert only_one.status == "Unknown"
    idle = await sim.call("GetDisplayMessages", request_id=23, state="Idle")
    assert idle.status == "Accepted"
    reported = await sim.inbox.expect("NotifyDisplayMessages", request_id=23)
    assert [m["id"] for m in reported["message_info"]] == [2]


async def test_customer_information_is_reported_in_two_parts_then_cleared(sim: Staying) -> None:
    token = {"id_token": "TAG-1", "type": "ISO14443"}
    asked = await sim.call(
        "CustomerInformation", request_id=31, report=True, clear=True, id_token=token
    )
    assert asked.status == "Accepted"
    first = await sim.inbox.expect("NotifyCustomerInformation", request_id=31, seq_no=0)
    second = await sim.inbox.expect("NotifyCustomerInformation", request_id=31, seq_no=1)
    assert first["tbc"] is True and second.get("tbc", False) is False
    # The opening session authorized TAG-1, so its cache held it until the clearing (N10).
    assert first["data"].startswith("idToken TAG-1: authorization cache Accepted")
    assert second["data"].startswith("transactions: ")

    again = await sim.call(
        "CustomerInformation", request_id=32, report=True, clear=False, id_token=token
    )
    assert again.status == "Accepted"
    cleared = await sim.inbox.expect("NotifyCustomerInformation", request_id=32, seq_no=0)
    assert "authorization cache none" in cleared["data"]


async def test_customer_information_naming_no_customer_is_invalid(sim: Staying) -> None:
    asked = await sim.call("CustomerInformation", request_id=33, report=True, clear=False)
    assert asked.status == "Invalid"
