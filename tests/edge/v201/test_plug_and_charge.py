"""edge.v201.plug_and_charge: ISO 15118 Plug & Charge messages of 2.0.1 and 2.1 to auth_svc's
requests and its replies back, each answer valid against the version's schema."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from ocpp.charge_point import camel_to_snake_case

from csms.auth.v1 import auth_pb2
from csms.auth.v1 import contract_certificates_pb2 as pb
from edge.v201 import plug_and_charge, translate
from tests.edge.test_certificate_translation import V2X, as_json, valid

pytestmark = pytest.mark.unit

HASH_DATA = {
    "hashAlgorithm": "SHA256",
    "issuerNameHash": "aa" * 32,
    "issuerKeyHash": "bb" * 32,
    "serialNumber": "1F",
    "responderURL": "http://ocsp.example/",
}
TOKEN = {"idToken": "DE-ABC-C12345678-X", "type": "eMAID"}


def snake(payload: dict[str, Any]) -> dict[str, Any]:
    """What the ocpp library hands a handler."""
    converted: dict[str, Any] = camel_to_snake_case(payload)
    return converted


def test_authorize_carries_the_hash_data() -> None:
    payload = snake({"idToken": TOKEN, "iso15118CertificateHashData": [HASH_DATA]})
    request = translate.authorize_request("CP-1", payload)
    assert request.id_tag == TOKEN["idToken"]
    assert request.contract_certificate == pb.ContractCertificate(
        hash_data=[
            pb.OcspRequestData(
                hash_algorithm="SHA256",
                issuer_name_hash="aa" * 32,
                issuer_key_hash="bb" * 32,
                serial_number="1F",
                responder_url="http://ocsp.example/",
            )
        ]
    )


def test_authorize_carries_the_chain_and_without_either_nothing() -> None:
    chain = "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n"
    with_chain = translate.authorize_request(
        "CP-1", snake({"idToken": TOKEN, "certificate": chain})
    )
    assert with_chain.contract_certificate.certificate_chain == chain
    plain = translate.authorize_request("CP-1", snake({"idToken": TOKEN}))
    assert not plain.HasField("contract_certificate")


@pytest.mark.parametrize("version", sorted(V2X))
@pytest.mark.parametrize(
    ("status", "word"),
    [
        (pb.ACCEPTED, "Accepted"),
        (pb.CERTIFICATE_REVOKED, "CertificateRevoked"),
        (pb.CERT_CHAIN_ERROR, "CertChainError"),
        (pb.NO_CERTIFICATE_AVAILABLE, "NoCertificateAvailable"),
        (pb.CONTRACT_CERTIFICATE_STATUS_UNSPECIFIED, None),
    ],
)
def test_authorize_answers_the_certificate_status(
    version: str, status: int, word: str | None
) -> None:
    words, schemas = V2X[version]
    reply = auth_pb2.AuthorizeResponse(
        id_token_info=auth_pb2.IdTokenInfo(status=auth_pb2.IdTokenInfo.INVALID),
        certificate_status=status,  # type: ignore[arg-type]
    )
    answer = as_json(translate.authorize_result(reply, words))
    assert answer.get("certificateStatus") == word
    assert answer["idTokenInfo"]["status"] == "Invalid"
    valid(schemas, "Authorize", answer, answer=True)


@pytest.mark.parametrize("version", sorted(V2X))
def test_get_certificate_status_both_ways(version: str) -> None:
    words, schemas = V2X[version]
    request = plug_and_charge.certificate_status_request(
        "CP-1", snake({"ocspRequestData": HASH_DATA})
    )
    assert request.charge_point_id == "CP-1"
    assert request.ocsp_request_data.serial_number == "1F"
    accepted = as_json(
        plug_and_charge.certificate_status_result(
            pb.GetCertificateStatusResponse(
                status=pb.GetCertificateStatusResponse.ACCEPTED, ocsp_response=b"\x30\x03DER"
            ),
            words,
        )
    )
    assert accepted == {
        "status": "Accepted",
        "ocspResult": base64.b64encode(b"\x30\x03DER").decode(),
    }
    valid(schemas, "GetCertificateStatus", accepted, answer=True)
    failed = as_json(
        plug_and_charge.certificate_status_result(
            pb.GetCertificateStatusResponse(
                status=pb.GetCertificateStatusResponse.FAILED, reason="x" * 600
            ),
            words,
        )
    )
    assert failed["status"] == "Failed" and "ocspResult" not in failed
    assert failed["statusInfo"] == {"reasonCode": "Unavailable", "additionalInfo": "x" * 512}
    valid(schemas, "GetCertificateStatus", failed, answer=True)


@pytest.mark.parametrize("version", sorted(V2X))
def test_get_15118_ev_certificate_both_ways(version: str) -> None:
    words, schemas = V2X[version]
    payload = {"iso15118SchemaVersion": "urn:iso:15118:2:2013:MsgDef", "action": "Update"}
    request = plug_and_charge.ev_certificate_request(
        "CP-1", snake({**payload, "exiRequest": "AAEC"})
    )
    assert request == pb.GetEvContractCertificateRequest(
        charge_point_id="CP-1",
        iso15118_schema_version="urn:iso:15118:2:2013:MsgDef",
        action=pb.GetEvContractCertificateRequest.UPDATE,
        exi_request="AAEC",
    )
    Response = pb.GetEvContractCertificateResponse
    accepted = as_json(
        plug_and_charge.ev_certificate_result(
            Response(status=Response.ACCEPTED, exi_response="BBED"), words
        )
    )
    assert accepted == {"status": "Accepted", "exiResponse": "BBED"}
    valid(schemas, "Get15118EVCertificate", accepted, answer=True)
    failed = as_json(
        plug_and_charge.ev_certificate_result(
            Response(status=Response.FAILED, reason="no service configured"), words
        )
    )
    assert failed == {
        "status": "Failed",
        "exiResponse": "",
        "statusInfo": {"reasonCode": "Unavailable", "additionalInfo": "no service configured"},
    }
    valid(schemas, "Get15118EVCertificate", failed, answer=True)


def test_get_certificate_chain_status_both_ways_in_2_1() -> None:
    words, schemas = V2X["2.1"]
    hash_data = {key: value for key, value in HASH_DATA.items() if key != "responderURL"}
    payload = {
        "certificateStatusRequests": [
            {
                "certificateHashData": hash_data,
                "source": "OCSP",
                "urls": ["http://a/", "http://b/"],
            },
            {"certificateHashData": hash_data, "source": "CRL", "urls": ["http://crl/"]},
        ]
    }
    request = plug_and_charge.chain_status_request("CP-1", snake(payload))
    assert [(q.source, list(q.urls)) for q in request.queries] == [
        (pb.OCSP, ["http://a/", "http://b/"]),
        (pb.CRL, ["http://crl/"]),
    ]
    assert request.queries[0].certificate.serial_number == "1F"
    Answer = pb.CertificateStatusAnswer
    reply = pb.GetCertificateChainStatusResponse(
        answers=[
            Answer(query=request.queries[0], status=Answer.REVOKED),
            Answer(query=request.queries[1], status=Answer.FAILED, reason="no CRL"),
        ]
    )
    reply.answers[0].next_update.FromSeconds(1_800_000_000)
    reply.answers[1].next_update.FromSeconds(1_800_000_000)
    answer = as_json(plug_and_charge.chain_status_result(reply, words))
    assert answer == {
        "certificateStatus": [
            {
                "certificateHashData": hash_data,
                "source": "OCSP",
                "status": "Revoked",
                "nextUpdate": "2027-01-15T08:00:00.000Z",
            },
            {
                "certificateHashData": hash_data,
                "source": "CRL",
                "status": "Failed",
                "nextUpdate": "2027-01-15T08:00:00.000Z",
            },
        ]
    }
    valid(schemas, "GetCertificateChainStatus", answer, answer=True)
