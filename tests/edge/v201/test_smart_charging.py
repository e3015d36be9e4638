"""edge.v201.smart_charging for OCPP 2.0.1 and 2.1, table-driven from JSON fixtures whose
payloads are checked against each version's schema, and the calls and answers it builds
checked against the schemas too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp
from ocpp.charge_point import (
    camel_to_snake_case,
    remove_nones,
    serialize_as_dict,
    snake_to_camel_case,
)

from csms.chargepoint.v1 import smart_charging_pb2 as charging_pb2
from csms.edge.v1 import smart_charging_pb2 as edge_pb2
from edge import payload_schema
from edge.payload_schema import SchemaSet
from edge.v21 import schemas as schemas_v21
from edge.v21.translate import WORDS as WORDS_V21
from edge.v201 import schemas as schemas_v201
from edge.v201 import smart_charging
from edge.v201.session import SessionV201
from edge.v201.translate import Vocabulary

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).parents[1] / "support" / "fixtures" / "smart_charging"
VERSIONS: dict[str, tuple[Vocabulary, SchemaSet]] = {
    "2.0.1": (SessionV201.words, schemas_v201.SCHEMAS),
    "2.1": (WORDS_V21, schemas_v21.SCHEMAS),
}


def cases() -> list[Any]:
    return [
        pytest.param(version, case, id=f"{version}: {case['name']}")
        for version in VERSIONS
        for case in json.loads((FIXTURES / "station_messages.json").read_text())
    ]


def _payload(call: Any) -> dict[str, Any]:
    result: dict[str, Any] = snake_to_camel_case(remove_nones(serialize_as_dict(call)))
    return result


@pytest.mark.parametrize(("version", "case"), cases())
def test_translation(version: str, case: dict[str, Any]) -> None:
    schemas = VERSIONS[version][1]
    assert payload_schema.violation(schemas, case["action"], case["payload"], answer=False) is None
    function = getattr(smart_charging, case["function"])
    result = function("CP-1", camel_to_snake_case(case["payload"]))
    assert json_format.MessageToDict(result) == case["expected"]


@pytest.mark.parametrize("version", VERSIONS)
def test_the_answers_are_valid(version: str) -> None:
    words, schemas = VERSIONS[version]
    answers = {
        "NotifyEVChargingNeeds": [
            smart_charging.needs_result(words, transaction_found=True),
            smart_charging.needs_result(words, transaction_found=False),
        ],
        "NotifyEVChargingSchedule": [
            smart_charging.ev_schedule_result(
                charging_pb2.RecordEVChargingScheduleResponse(accepted=accepted), words
            )
            for accepted in (True, False)
        ],
    }
    statuses = []
    for action, built in answers.items():
        for answer in built:
            payload = _payload(answer)
            assert payload_schema.violation(schemas, action, payload, answer=True) is None
            statuses.append(payload["status"])
    assert statuses == ["Accepted", "Rejected", "Accepted", "Rejected"]


@pytest.mark.parametrize("version", VERSIONS)
def test_the_offered_schedule_is_a_valid_tx_profile(version: str) -> None:
    words, schemas = VERSIONS[version]
    start = Timestamp()
    start.FromJsonString("2025-03-01T12:00:00Z")
    offered = edge_pb2.ChargingSchedule(
        duration_seconds=7200,
        start=start,
        rate_unit=edge_pb2.ChargingSchedule.W,
        periods=[edge_pb2.ChargingSchedulePeriod(limit=6000.5)],
    )
    call = smart_charging.tx_profile_call(offered, 1, 900_000_001, "TX-9", words)
    payload = _payload(call)
    assert payload_schema.violation(schemas, "SetChargingProfile", payload, answer=False) is None
    profile = payload["chargingProfile"]
    assert (profile["chargingProfilePurpose"], profile["transactionId"]) == ("TxProfile", "TX-9")
    assert profile["chargingSchedule"][0] == {
        "id": 900_000_001,
        "startSchedule": "2025-03-01T12:00:00.000Z",
        "duration": 7200,
        "chargingRateUnit": "W",
        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 6000.5}],
    }
