"""The simulated 2.x station's GetChargingProfiles (OCPP 2.0.1 K09): which held profiles
match the criteria, and how each is reported (checked against the 2.0.1 and 2.1 schemas)."""

from __future__ import annotations

from typing import Any

import pytest
from ocpp.charge_point import remove_nones, snake_to_camel_case
from ocpp.v16.enums import ChargingProfilePurposeType

from edge import payload_schema
from edge.payload_schema import SchemaSet
from edge.v21.schemas import SCHEMAS as SCHEMAS_V21
from edge.v201.schemas import SCHEMAS as SCHEMAS_V201
from simulator.charging_profiles import ChargingProfile, Period, Schedule
from simulator.v2.smart_charging import matches, reported

pytestmark = pytest.mark.unit

TX_DEFAULT = ChargingProfile(
    id=4,
    connector_id=1,
    stack_level=2,
    purpose=ChargingProfilePurposeType.tx_default_profile,
    schedule=Schedule("A", (Period(0, 16.0, 3), Period(3600, 10.0, None)), duration=7200),
)
TX = ChargingProfile(
    id=900_000_001,
    connector_id=1,
    stack_level=0,
    purpose=ChargingProfilePurposeType.tx_profile,
    schedule=Schedule("W", (Period(0, 11000.0, None),), start="2025-03-01T12:00:00.000Z"),
)


@pytest.mark.parametrize(
    ("evse_id", "criterion", "expected"),
    [
        (None, {}, True),
        (1, {}, True),
        (0, {}, False),
        (None, {"charging_profile_purpose": "TxDefaultProfile"}, True),
        (None, {"charging_profile_purpose": "TxProfile"}, False),
        (None, {"stack_level": 2}, True),
        (None, {"stack_level": 0}, False),
        (None, {"charging_profile_id": [3, 4]}, True),
        (None, {"charging_profile_id": [5]}, False),
        (None, {"charging_limit_source": ["CSO", "EMS"]}, True),
        (None, {"charging_limit_source": ["EMS"]}, False),
    ],
)
def test_a_profile_matches_every_criterion_given(
    evse_id: int | None, criterion: dict[str, object], expected: bool
) -> None:
    assert matches(TX_DEFAULT, evse_id, criterion) is expected


@pytest.mark.parametrize("schemas", [SCHEMAS_V201, SCHEMAS_V21], ids=["2.0.1", "2.1"])
def test_profiles_are_reported_as_valid_2_x_profiles(schemas: SchemaSet) -> None:
    profiles: list[dict[str, Any]] = [
        snake_to_camel_case(remove_nones(reported(profile))) for profile in (TX_DEFAULT, TX)
    ]
    payload = {"requestId": 7, "chargingLimitSource": "CSO", "evseId": 1}
    payload["chargingProfile"] = profiles
    assert (
        payload_schema.violation(schemas, "ReportChargingProfiles", payload, answer=False) is None
    )
    relative, absolute = profiles
    assert relative["chargingProfileKind"] == "Relative"
    assert relative["chargingSchedule"][0]["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 16.0, "numberPhases": 3},
        {"startPeriod": 3600, "limit": 10.0},
    ]
    assert absolute["chargingProfileKind"] == "Absolute"
    assert absolute["chargingProfilePurpose"] == "TxProfile"
    assert absolute["chargingSchedule"][0]["startSchedule"] == "2025-03-01T12:00:00.000Z"
