"""edge.v21.operations: the 2.0.1 fixtures and the 2.1 ones against the 2.1 table, each
produced payload checked against the OCPP 2.1 schema (see tests/edge/v201/test_operations.py)."""

from __future__ import annotations

from typing import Any

import pytest
from google.protobuf import json_format
from ocpp.v21 import call, call_result

from edge.ocpp_version import OCPP21
from edge.server import RunningEdge
from edge.v21.operations import OPERATIONS, OUTGOING_ACTIONS
from edge.v21.schemas import SCHEMAS
from edge.v201.operations import OUTGOING_ACTIONS as OUTGOING_ACTIONS_V201
from tests.edge.support.operation_table import (
    Version,
    check_answer_case,
    check_coverage,
    check_outgoing,
    check_request_case,
    load,
    params,
)
from tests.edge.support.wire_cases import WIRE_CASES, exchange
from tests.support.remote_station import edge_stub, remote_station_v2

V21 = Version(OPERATIONS, SCHEMAS, OCPP21, call, call_result, ("v201", "v21"))
CASES = load(V21)


@pytest.mark.parametrize("case", params(CASES, "request"))
async def test_request(case: dict[str, Any]) -> None:
    await check_request_case(V21, case)


@pytest.mark.parametrize("case", params(CASES, "answer"))
async def test_answer(case: dict[str, Any]) -> None:
    await check_answer_case(V21, case)


def test_every_typed_rpc_has_a_2_1_operation_with_fixtures() -> None:
    check_coverage(V21, CASES)


def test_every_outgoing_action_is_a_library_call_with_schemas() -> None:
    check_outgoing(V21, OUTGOING_ACTIONS)
    assert OUTGOING_ACTIONS > OUTGOING_ACTIONS_V201


async def test_every_operation_over_the_wire_in_2_1(edge: RunningEdge) -> None:
    async with (
        remote_station_v2(edge, "CS-OPS", "ocpp2.1") as station,
        edge_stub(edge) as stub,
    ):
        for rpc, fields, action, payload, answer, expected in WIRE_CASES:
            frame, response = await exchange(stub, station, rpc, fields, answer)
            assert frame[2:] == [action, payload], rpc
            assert json_format.MessageToDict(response) == expected, rpc
