"""edge.handshake: the decision on a request target and offered subprotocols."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from edge.handshake import Admission, Refusal, decide
from edge.ocpp_version import OCPP16, OCPP21, OCPP201
from edge.version_table import SUPPORTED_VERSIONS

pytestmark = pytest.mark.unit


SUPPORTED = SUPPORTED_VERSIONS


def refusal(target: str, offered: list[str]) -> Refusal:
    decision = decide(target, offered, SUPPORTED)
    assert isinstance(decision, Refusal), decision
    return decision


@pytest.mark.parametrize(
    ("target", "offered", "expected"),
    [
        ("/ocpp/CP-1", ["ocpp1.6"], Admission("CP-1", OCPP16, "ocpp1.6")),
        ("/ocpp/CP%2B1", ["ocpp1.6"], Admission("CP+1", OCPP16, "ocpp1.6")),
        ("/ocpp/a*-_=:+|@.Z9", ["ocpp1.6"], Admission("a*-_=:+|@.Z9", OCPP16, "ocpp1.6")),
        ("/ocpp?chargePointId=CP-1&version=1.6", [], Admission("CP-1", OCPP16, None)),
        (
            "/ocpp/?chargePointId=CP-1&version=1.6",
            ["ocpp1.6"],
            Admission("CP-1", OCPP16, "ocpp1.6"),
        ),
        ("/ocpp?chargePointId=CP-1", ["ocpp1.6"], Admission("CP-1", OCPP16, "ocpp1.6")),
        ("/ocpp/CP-1?version=1.6", [], Admission("CP-1", OCPP16, None)),
        ("/ocpp/CP-1", ["ocpp2.1", "ocpp1.6"], Admission("CP-1", OCPP21, "ocpp2.1")),
        ("/ocpp/CP-1", ["ocpp1.6", "ocpp2.1"], Admission("CP-1", OCPP16, "ocpp1.6")),
        ("/ocpp/CP-1", ["ocpp2.0.1"], Admission("CP-1", OCPP201, "ocpp2.0.1")),
        ("/ocpp/CP-1", ["ocpp3.0", "ocpp2.1"], Admission("CP-1", OCPP21, "ocpp2.1")),
        ("/ocpp?chargePointId=CP-1&version=2.0.1", [], Admission("CP-1", OCPP201, None)),
        ("/ocpp?chargePointId=CP-1&version=2.1", ["ocpp2.1"], Admission("CP-1", OCPP21, "ocpp2.1")),
        ("/ocpp/" + "x" * 48, ["ocpp1.6"], Admission("x" * 48, OCPP16, "ocpp1.6")),
    ],
)
def test_accepted(target: str, offered: list[str], expected: Admission) -> None:
    assert decide(target, offered, SUPPORTED) == expected


@pytest.mark.parametrize(
    ("target", "offered", "status", "words"),
    [
        ("/", ["ocpp1.6"], HTTPStatus.NOT_FOUND, "no OCPP endpoint at /"),
        ("/ocppx/CP-1", ["ocpp1.6"], HTTPStatus.NOT_FOUND, "no OCPP endpoint"),
        ("/ocpp/CP-1/extra", ["ocpp1.6"], HTTPStatus.NOT_FOUND, "no OCPP endpoint"),
        ("/ocpp", ["ocpp1.6"], HTTPStatus.BAD_REQUEST, "no charge point id"),
        ("/ocpp/CP%2F1", ["ocpp1.6"], HTTPStatus.BAD_REQUEST, "'CP/1' is not valid"),
        ("/ocpp/CP 1", ["ocpp1.6"], HTTPStatus.BAD_REQUEST, "1 to 48 characters"),
        ("/ocpp/" + "x" * 49, ["ocpp1.6"], HTTPStatus.BAD_REQUEST, "1 to 48 characters"),
        ("/ocpp?chargePointId=&version=1.6", [], HTTPStatus.BAD_REQUEST, "1 to 48 characters"),
        ("/ocpp/CP-1?chargePointId=CP-2", ["ocpp1.6"], HTTPStatus.BAD_REQUEST, "'CP-2'"),
        ("/ocpp/CP-1", [], HTTPStatus.BAD_REQUEST, "no OCPP version: offer Sec-WebSocket-Protocol"),
        (
            "/ocpp/CP-1",
            ["ocpp3.0"],
            HTTPStatus.BAD_REQUEST,
            "none of the offered subprotocols (ocpp3.0)",
        ),
        (
            "/ocpp?chargePointId=CP-1&version=3",
            [],
            HTTPStatus.BAD_REQUEST,
            "'3' is not an OCPP version",
        ),
        (
            "/ocpp/CP-1",
            ["chat"],
            HTTPStatus.BAD_REQUEST,
            "supported subprotocols: ocpp1.6, ocpp2.0.1, ocpp2.1",
        ),
        (
            "/ocpp?chargePointId=CP-1&version=1.6",
            ["ocpp2.0.1"],
            HTTPStatus.BAD_REQUEST,
            "must agree",
        ),
        (
            "/ocpp?chargePointId=A&chargePointId=B",
            ["ocpp1.6"],
            HTTPStatus.BAD_REQUEST,
            "more than once",
        ),
    ],
)
def test_refused(target: str, offered: list[str], status: HTTPStatus, words: str) -> None:
    refused = refusal(target, offered)
    assert refused.status == status
    assert words in refused.reason


def test_a_new_version_is_one_more_supported_entry() -> None:
    """The decision has no version-specific branches: supporting 2.0.1 is data."""
    assert decide("/ocpp/CP-1", ["ocpp2.0.1"], (OCPP16, OCPP201)) == Admission(
        "CP-1", OCPP201, "ocpp2.0.1"
    )
    assert decide("/ocpp?chargePointId=CP-1&version=2.1", [], (OCPP21,)) == Admission(
        "CP-1", OCPP21, None
    )
