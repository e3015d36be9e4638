"""The OpenAPI document, served by Envoy, describes what the running API gateway answers.

Schemathesis generates requests from the document for the operations whose services are
complete (reads of charge points, transactions and id tags, charge point and id tag
creation and update) and checks every answer: no 5xx, and status, content type and body
as the document says.
"""

from __future__ import annotations

import json

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from launcher.protogen import OPENAPI_DOCUMENT
from tests.support.system import System

pytestmark = pytest.mark.e2e

CHECKED = [
    "ChargePointGetHealth",
    "TransactionGetHealth",
    "AuthGetHealth",
    "ListChargePoints",
    "GetFleetSummary",
    "GetChargePoint",
    "CreateChargePoint",
    "ListTransactions",
    "GetTransaction",
    "ListIdTags",
    "GetIdTag",
    "CreateIdTag",
    "UpdateIdTag",
]

schema = schemathesis.openapi.from_path(OPENAPI_DOCUMENT).include(operation_id=CHECKED)


def _gateway(system: System) -> str:
    return f"http://127.0.0.1:{system.port('CSMS_API_GATEWAY_PORT')}"


def test_the_gateway_serves_the_generated_document(system: System) -> None:
    reply = httpx.get(f"{_gateway(system)}/openapi.json")
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/json"
    assert reply.json() == json.loads(OPENAPI_DOCUMENT.read_text())


@pytest.mark.parametrize(
    ("variable", "path"),
    [("CSMS_OCPP_PORT", "/connections"), ("CSMS_CHARGEPOINT_API_PORT", "/charge-points")],
)
def test_the_other_ports_serve_their_own_documents(
    system: System, variable: str, path: str
) -> None:
    reply = httpx.get(f"http://127.0.0.1:{system.port(variable)}/openapi.json")
    assert reply.status_code == 200
    assert path in reply.json()["paths"]


def test_gateway_health_is_per_component_not_ambiguous(system: System) -> None:
    # Two services bind GET /health (4000 and 4001); the gateway answers it itself.
    reply = httpx.get(f"{_gateway(system)}/health")
    assert reply.status_code == 404
    assert "/api/v1/" in reply.json()["message"]
    for component in ("edge", "chargepoint", "transaction", "auth"):
        health = httpx.get(f"{_gateway(system)}/api/v1/{component}/health")
        assert health.status_code == 200, health.text
        assert health.json()["component"] == component
    # Routed to the edge, which answers it (never the gateway's 404).
    services = httpx.get(f"{_gateway(system)}/services")
    assert services.status_code == 200, services.text


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_documented(case: Case, system: System) -> None:
    case.call_and_validate(
        base_url=_gateway(system),
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
        timeout=10,
    )
