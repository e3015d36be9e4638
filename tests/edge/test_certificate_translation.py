"""edge.v16.certificates and edge.v201.certificates (SignCertificate, CertificateSigned),
table-driven in every version: what the CA is asked, and answers and calls that are valid
against the version's schema."""

from __future__ import annotations

from typing import Any

import pytest
from google.protobuf import json_format
from ocpp.charge_point import remove_nones, serialize_as_dict, snake_to_camel_case

from csms.auth.v1 import certificates_pb2
from edge import payload_schema
from edge.payload_schema import SchemaSet
from edge.v16 import certificates as certificates_v16
from edge.v16.schemas import SCHEMAS as SCHEMAS_V16
from edge.v21.schemas import SCHEMAS as SCHEMAS_V21
from edge.v21.translate import WORDS as WORDS_V21
from edge.v201 import certificates as certificates_v201
from edge.v201.schemas import SCHEMAS as SCHEMAS_V201
from edge.v201.session import SessionV201
from edge.v201.translate import Vocabulary

pytestmark = pytest.mark.unit


Request = certificates_pb2.SignChargePointCertificateRequest
Response = certificates_pb2.SignChargePointCertificateResponse
CSR = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n"
CHAIN = "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n"
SIGNED = Response(status=Response.SIGNED, certificate_chain=CHAIN)
V2X: dict[str, tuple[Vocabulary, SchemaSet]] = {
    "2.0.1": (SessionV201.words, SCHEMAS_V201),
    "2.1": (WORDS_V21, SCHEMAS_V21),
}


def as_json(payload: Any) -> dict[str, Any]:
    converted: dict[str, Any] = snake_to_camel_case(remove_nones(serialize_as_dict(payload)))
    return converted


def valid(schemas: SchemaSet, action: str, payload: dict[str, Any], *, answer: bool) -> None:
    assert payload_schema.violation(schemas, action, payload, answer=answer) is None, payload


def test_1_6_asks_for_a_charge_point_certificate() -> None:
    request = certificates_v16.sign_certificate_request("CP-1", {"csr": CSR})
    assert json_format.MessageToDict(request) == {
        "chargePointId": "CP-1",
        "csr": CSR,
        "use": "CHARGE_POINT",
    }


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (SIGNED, {"status": "Accepted"}),
        (Response(status=Response.REJECTED, reason="no"), {"status": "Rejected"}),
        (Response(), {"status": "Rejected"}),
    ],
)
def test_1_6_answers(reply: Response, expected: dict[str, Any]) -> None:
    answer = as_json(certificates_v16.sign_certificate_result(reply))
    assert answer == expected
    valid(SCHEMAS_V16, "SignCertificate", answer, answer=True)


def test_1_6_delivers_the_chain() -> None:
    payload = as_json(certificates_v16.certificate_signed_call(SIGNED))
    assert payload == {"certificateChain": CHAIN}
    valid(SCHEMAS_V16, "CertificateSigned", payload, answer=False)


@pytest.mark.parametrize(
    ("payload", "use"),
    [
        ({"csr": CSR}, "CHARGE_POINT"),
        ({"csr": CSR, "certificate_type": "ChargingStationCertificate"}, "CHARGE_POINT"),
        ({"csr": CSR, "certificate_type": "V2GCertificate"}, "V2G"),
        ({"csr": CSR, "certificate_type": "V2G20Certificate"}, "V2G"),
    ],
)
def test_2x_asks_for_the_use_the_station_names(payload: dict[str, Any], use: str) -> None:
    request = certificates_v201.sign_certificate_request("CS-1", payload)
    assert json_format.MessageToDict(request) == {"chargePointId": "CS-1", "csr": CSR, "use": use}


@pytest.mark.parametrize("version", sorted(V2X))
@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (SIGNED, {"status": "Accepted"}),
        (
            Response(status=Response.REJECTED, reason="x" * 600),
            {
                "status": "Rejected",
                "statusInfo": {"reasonCode": "InvalidCSR", "additionalInfo": "x" * 512},
            },
        ),
        (
            Response(status=Response.REJECTED),
            {"status": "Rejected", "statusInfo": {"reasonCode": "InvalidCSR"}},
        ),
    ],
)
def test_2x_answers(version: str, reply: Response, expected: dict[str, Any]) -> None:
    words, schemas = V2X[version]
    answer = certificates_v201.sign_certificate_result(reply, words)
    assert type(answer).__module__ == words.call_result.__name__
    assert as_json(answer) == expected
    valid(schemas, "SignCertificate", as_json(answer), answer=True)


@pytest.mark.parametrize("version", sorted(V2X))
def test_2x_delivers_a_charging_station_certificate(version: str) -> None:
    words, schemas = V2X[version]
    payload = as_json(certificates_v201.certificate_signed_call(SIGNED, {"csr": CSR}, words))
    assert payload == {"certificateChain": CHAIN, "certificateType": "ChargingStationCertificate"}
    valid(schemas, "CertificateSigned", payload, answer=False)


@pytest.mark.parametrize("version", sorted(V2X))
def test_2x_delivers_a_v2g_certificate_as_one(version: str) -> None:
    words, schemas = V2X[version]
    asked = {"csr": CSR, "certificate_type": "V2GCertificate"}
    payload = as_json(certificates_v201.certificate_signed_call(SIGNED, asked, words))
    assert payload == {"certificateChain": CHAIN, "certificateType": "V2GCertificate"}
    valid(schemas, "CertificateSigned", payload, answer=False)


def test_2_1_repeats_the_request_id() -> None:
    call = certificates_v201.certificate_signed_call(
        SIGNED, {"csr": CSR, "request_id": 7}, WORDS_V21
    )
    payload = as_json(call)
    assert payload["requestId"] == 7
    valid(SCHEMAS_V21, "CertificateSigned", payload, answer=False)
