"""Every message a load station sends is valid for its OCPP version: the simulator does
not validate at run time (it must not be the bottleneck), so the payloads are checked
here against the JSON schemas the ``ocpp`` library ships."""

from __future__ import annotations

from typing import Any

import pytest
from ocpp.messages import Call, get_validator

from simulator.load.station import STEPS, Steps

pytestmark = pytest.mark.unit


Payload = dict[str, Any]


class Capture:
    """Keeps what the steps send; answers as an accepting CSMS would."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Payload]] = []

    async def call(self, action: str, payload: Payload) -> Payload:
        self.sent.append((action, payload))
        if action == "BootNotification":
            return {"status": "Accepted", "interval": 60, "currentTime": "2025-01-01T00:00:00Z"}
        if action == "StartTransaction":
            return {"transactionId": 7, "idTagInfo": {"status": "Accepted"}}
        return {}


async def session(steps: Steps, capture: Capture) -> None:
    assert await steps.boot(capture) == ("Accepted", 60)
    await steps.report(capture, "Available")
    await steps.heartbeat(capture)
    await steps.authorize(capture, "TAG-1")
    await steps.start(capture, "TAG-1", 1000)
    await steps.report(capture, "Charging")
    await steps.meter(capture, 1250)
    await steps.meter(capture, 1500)
    await steps.stop(capture, "TAG-1", 1500)


@pytest.mark.parametrize("version", sorted(STEPS))
async def test_every_message_matches_its_schema(version: str) -> None:
    capture = Capture()
    await session(STEPS[version](), capture)
    assert len(capture.sent) == 9
    for action, payload in capture.sent:
        validator = get_validator(2, action, version)
        errors = [error.message for error in validator.iter_errors(payload)]
        assert errors == [], f"{version} {action}: {errors}"
        Call("1", action, payload).to_json()  # JSON-serialisable as sent


async def test_a_1_6_transaction_uses_the_csms_transaction_id() -> None:
    capture = Capture()
    await session(STEPS["1.6"](), capture)
    sent = dict(capture.sent)
    assert sent["MeterValues"]["transactionId"] == 7
    assert sent["StopTransaction"]["transactionId"] == 7


async def test_a_2_x_transaction_numbers_its_events() -> None:
    capture = Capture()
    await session(STEPS["2.0.1"](), capture)
    events = [p for action, p in capture.sent if action == "TransactionEvent"]
    assert [e["eventType"] for e in events] == ["Started", "Updated", "Updated", "Ended"]
    assert [e["seqNo"] for e in events] == [0, 1, 2, 3]
    assert len({e["transactionInfo"]["transactionId"] for e in events}) == 1
