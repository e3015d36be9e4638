"""edge.v201.operations, table-driven from JSON fixtures: every typed operation's request
and answer translators, each produced payload checked against the OCPP 2.0.1 schema the
``ocpp`` library ships (with the library's own validator, independently of the edge's).

The helpers (tests/edge/support/operation_table.py) also run the 2.1 table
(tests/edge/v21/test_operations.py): 2.1 keeps these messages' shapes, so every 2.0.1 fixture
must hold there too."""

from __future__ import annotations

from typing import Any

import pytest
from ocpp.v201 import call, call_result

from edge.ocpp_version import OCPP201
from edge.v201.operations import OPERATIONS, OUTGOING_ACTIONS
from edge.v201.schemas import SCHEMAS
from tests.edge.support.operation_table import (
    Version,
    check_answer_case,
    check_coverage,
    check_outgoing,
    check_request_case,
    load,
    params,
)

V201 = Version(OPERATIONS, SCHEMAS, OCPP201, call, call_result, ("v201",))


CASES = load(V201)


@pytest.mark.parametrize("case", params(CASES, "request"))
async def test_request(case: dict[str, Any]) -> None:
    await check_request_case(V201, case)


@pytest.mark.parametrize("case", params(CASES, "answer"))
async def test_answer(case: dict[str, Any]) -> None:
    await check_answer_case(V201, case)


def test_every_typed_rpc_has_a_2_0_1_operation_with_fixtures() -> None:
    check_coverage(V201, CASES)


def test_every_outgoing_action_is_a_library_call_with_schemas() -> None:
    check_outgoing(V201, OUTGOING_ACTIONS)
