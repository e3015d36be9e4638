"""The session's compiled schema check gives the same verdict, error class and description
as :func:`edge.framing.payload_violation` (which it only short-cuts for valid payloads)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from ocpp.messages import Call, CallResult

from edge import framing
from edge.ocpp_version import OCPP16, OCPP201, OcppVersion
from edge.payload_schema import CompiledSchemas

pytestmark = pytest.mark.unit


BOOT_16 = {"chargePointVendor": "Acme", "chargePointModel": "One"}
METER_16 = {
    "connectorId": 1,
    "transactionId": 7,
    "meterValue": [{"timestamp": "2026-01-01T00:00:00Z", "sampledValue": [{"value": "250"}]}],
}
STATUS_201 = {
    "timestamp": "2026-01-01T00:00:00Z",
    "connectorStatus": "Available",
    "evseId": 1,
    "connectorId": 1,
}


def _set(payload: dict[str, Any], path: list[str | int], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(payload)
    target: Any = changed
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return changed


def _without(payload: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k != key}


CASES: list[tuple[OcppVersion, str, dict[str, Any]]] = [
    (OCPP16, "BootNotification", BOOT_16),
    (OCPP16, "BootNotification", _without(BOOT_16, "chargePointModel")),
    (OCPP16, "BootNotification", {**BOOT_16, "extra": 1}),
    (OCPP16, "BootNotification", {**BOOT_16, "chargePointVendor": "x" * 21}),
    (OCPP16, "BootNotification", {**BOOT_16, "chargePointVendor": 5}),
    (OCPP16, "MeterValues", METER_16),
    (OCPP16, "MeterValues", {**METER_16, "connectorId": 1.0}),
    (OCPP16, "MeterValues", {**METER_16, "connectorId": 2**31}),
    (OCPP16, "MeterValues", {**METER_16, "connectorId": 2**70}),
    (OCPP16, "MeterValues", {**METER_16, "connectorId": True}),
    (OCPP16, "MeterValues", _set(METER_16, ["meterValue", 0, "sampledValue", 0, "unit"], "X")),
    (OCPP16, "MeterValues", {**METER_16, "meterValue": []}),
    (OCPP201, "StatusNotification", STATUS_201),
    (OCPP201, "StatusNotification", {**STATUS_201, "connectorStatus": "Sleeping"}),
    (OCPP201, "StatusNotification", {**STATUS_201, "evseId": -(2**31) - 1}),
    (OCPP201, "StatusNotification", {**STATUS_201, "timestamp": "not a time"}),
]


@pytest.mark.parametrize(("version", "action", "payload"), CASES)
def test_the_same_answer_as_the_jsonschema_check(
    version: OcppVersion, action: str, payload: dict[str, Any]
) -> None:
    compiled = CompiledSchemas()
    message = Call("1", action, payload)
    expected = framing.payload_violation(message, action, version)
    found = compiled.violation(message, action, version)
    assert type(found) is type(expected)
    if expected is not None:
        assert found is not None and found.description == expected.description


def test_answers_are_checked_against_the_response_schema() -> None:
    compiled = CompiledSchemas()
    good = CallResult("1", {"currentTime": "2026-01-01T00:00:00Z"}, action="Heartbeat")
    assert compiled.violation(good, "Heartbeat", OCPP16) is None
    bad = CallResult("1", {}, action="Heartbeat")
    violation = compiled.violation(bad, "Heartbeat", OCPP16)
    assert violation is not None and "currentTime" in violation.description
