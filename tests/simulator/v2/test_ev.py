"""What the simulated station's ISO 15118 EV and energy management system send (OCPP
2.0.1 K12, K15, K17), checked against the 2.0.1 and 2.1 schemas."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any, cast

import pytest
from ocpp.charge_point import remove_nones, serialize_as_dict, snake_to_camel_case
from ocpp.v16.enums import ChargingProfilePurposeType
from ocpp.v21 import call as call_v21
from ocpp.v201 import call as call_v201

from edge import payload_schema
from edge.payload_schema import SchemaSet
from edge.v21.schemas import SCHEMAS as SCHEMAS_V21
from edge.v201.schemas import SCHEMAS as SCHEMAS_V201
from simulator.charging_profiles import ChargingProfile, Period, Schedule
from simulator.v2 import ev
from simulator.v2.uplink import UplinkV2

pytestmark = pytest.mark.unit

VERSIONS = [(call_v201, SCHEMAS_V201), (call_v21, SCHEMAS_V21)]
PROFILE = ChargingProfile(
    id=900_000_001,
    connector_id=1,
    stack_level=0,
    purpose=ChargingProfilePurposeType.tx_profile,
    schedule=Schedule("W", (Period(0, 11000.0, None),), 6546, "2025-03-01T12:00:00.000Z"),
)


class Link:
    def __init__(self) -> None:
        self.sent: list[Any] = []

    async def send(self, request: Any, shown: str, answered: Callable[[Any], str]) -> Any:
        self.sent.append(request)
        return None


class Uplink:
    def __init__(self, calls: ModuleType) -> None:
        self.calls = calls
        self.link = Link()


@pytest.mark.parametrize(("calls", "schemas"), VERSIONS, ids=["2.0.1", "2.1"])
async def test_every_message_is_valid(calls: ModuleType, schemas: SchemaSet) -> None:
    uplink = Uplink(calls)
    station = cast(UplinkV2, uplink)
    await ev.notify_needs(station, 1)
    await ev.notify_schedule(station, 1, PROFILE)
    await ev.notify_limit(station, 11000)
    actions = []
    for request in uplink.link.sent:
        action = type(request).__name__
        payload = snake_to_camel_case(remove_nones(serialize_as_dict(request)))
        assert payload_schema.violation(schemas, action, payload, answer=False) is None, action
        actions.append(action)
    assert actions == ["NotifyEVChargingNeeds", "NotifyEVChargingSchedule", "NotifyChargingLimit"]
    needs, schedule, limit = (
        snake_to_camel_case(remove_nones(serialize_as_dict(request)))
        for request in uplink.link.sent
    )
    assert needs["chargingNeeds"]["dcChargingParameters"]["evMaxPower"] == ev.EV_MAX_POWER_W
    # The EV takes what the TxProfile gives, from the profile's start.
    assert schedule["timeBase"] == "2025-03-01T12:00:00.000Z"
    assert schedule["chargingSchedule"]["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 11000.0}
    ]
    assert limit["chargingLimit"]["chargingLimitSource"] == "EMS"
