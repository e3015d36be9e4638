"""Fuzzing the whole REST API through Envoy from its OpenAPI document.

Schemathesis generates requests for every operation the API gateway serves, valid ones
and deliberately invalid ones (wrong types, missing fields, values outside their enum or
format), and checks every answer: never a server error other than the two a caller is
told to retry (503 UNAVAILABLE, 504 DEADLINE_EXCEEDED, e.g. an operation on a charge point
that does not answer), and status, content type and body as the document says. Bounded:
a handful of examples per operation and mode, a few hundred requests in all.

tests/e2e/test_openapi.py checks the complete services with valid requests only; this
module is the hostile half.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case, GenerationMode
from schemathesis.core.failures import Failure
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from launcher.protogen import OPENAPI_DOCUMENT
from tests.support.system import System, running_system

pytestmark = pytest.mark.e2e

# The statuses of gRPC UNAVAILABLE and DEADLINE_EXCEEDED: "retry later", documented.
RETRY_LATER = {503, 504}

# Every operation but the stream of live events (GET /api/v1/events), whose answer never
# ends and so cannot be read whole; tests/e2e/test_live_events.py covers it.
schema = schemathesis.openapi.from_path(OPENAPI_DOCUMENT).exclude(operation_id="WatchEvents")
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """A system of its own: the fuzzer deletes, disconnects and reconfigures at random."""
    with running_system(tmp_path_factory.mktemp("csms")) as running:
        yield running


class ServerError(Failure):
    """A 5xx other than the documented 'retry later' ones."""


def no_server_error(ctx: object, response: schemathesis.Response, case: Case) -> bool | None:
    if response.status_code >= 500 and response.status_code not in RETRY_LATER:
        raise ServerError(
            operation=case.operation.label,
            title="Server error",
            message=f"{response.status_code}: {response.text[:300]}",
        )
    return None


@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_request_breaks_the_api(case: Case, system: System) -> None:
    case.call_and_validate(
        base_url=system.api_gateway,
        checks=[
            no_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
        excluded_checks=[],
        timeout=15,
    )
