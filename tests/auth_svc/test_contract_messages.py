"""auth_svc.contract_messages: Plug & Charge protobuf to domain values and back."""

from __future__ import annotations

import pytest

from auth_svc.contract_messages import (
    action_from_proto,
    certificate_status_to_proto,
    contract_from_proto,
    status_query_from_proto,
)
from auth_svc.domain.certificate_chain_status import Source
from auth_svc.domain.contract_certificate import CertificateStatus
from auth_svc.errors import InvalidRequest
from csms.auth.v1 import contract_certificates_pb2 as pb

pytestmark = pytest.mark.unit


def test_every_certificate_status_has_a_proto_twin() -> None:
    for status in CertificateStatus:
        assert pb.ContractCertificateStatus.Name(certificate_status_to_proto(status)) == status.name


def test_contract_and_actions() -> None:
    entry = pb.OcspRequestData(hash_algorithm="SHA256", serial_number="1F", responder_url="u")
    contract = contract_from_proto(pb.ContractCertificate(hash_data=[entry], certificate_chain="c"))
    assert contract.hash_data[0].serial_number == "1F" and contract.certificate_chain == "c"
    assert action_from_proto(pb.GetEvContractCertificateRequest.UPDATE) == "Update"
    # An unnamed action reaches the use case, which refuses it by name.
    assert action_from_proto(pb.GetEvContractCertificateRequest.ACTION_UNSPECIFIED) == "0"


def test_a_query_needs_a_source() -> None:
    crl = status_query_from_proto(pb.CertificateStatusQuery(source=pb.CRL, urls=["http://c/"]))
    assert crl.source is Source.CRL and crl.urls == ("http://c/",)
    with pytest.raises(InvalidRequest, match="source 0 is not OCSP or CRL"):
        status_query_from_proto(pb.CertificateStatusQuery())
