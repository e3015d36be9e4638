"""ISO 15118 Plug & Charge through auth_svc's real server (on SQLite and PostgreSQL): a real
``openssl ocsp`` responder decides contract certificates (OCPP 2.0.1 C07), answers the
OCSP requests stations ask for (M06), a local stand-in contract certificate service
answers EVs' certificate requests (M01/M02), and a test V2G sub-CA signs V2G station
certificates (A02/A03)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import grpc
import pytest
from cryptography import x509
from cryptography.x509 import ocsp

from auth_svc.server import start
from csms.auth.v1 import (
    auth_pb2,
    auth_pb2_grpc,
    certificates_pb2,
    certificates_pb2_grpc,
    contract_certificates_pb2_grpc,
)
from csms.auth.v1 import contract_certificates_pb2 as pb
from servicekit.channels import open_channel
from servicekit.security_settings import SettingsError
from servicekit.settings import Settings
from tests.auth_svc.support.fakes import FakeTransactionService
from tests.support.certificates import csr_pem
from tests.support.plug_and_charge import (
    EXI_RESPONSE,
    Issued,
    Pki,
    contract_certificate_service,
    plug_and_charge_pki,
)
from tests.support.ports import free_port
from tests.support.settings import with_network

Status = auth_pb2.IdTokenInfo.Status
CertStatus = pb.ContractCertificateStatus


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pki]:
    with plug_and_charge_pki(tmp_path_factory.mktemp("pki")) as running:
        yield running


@asynccontextmanager
async def serving(
    tmp_path: Path, database_url: str, transaction_address: str, **env: str
) -> AsyncIterator[grpc.aio.Channel]:
    settings = Settings.from_env(
        {"CSMS_DATA_DIR": str(tmp_path), "CSMS_AUTH_DATABASE_URL": database_url, **env}
    )
    settings = with_network(settings, transaction_address=transaction_address)
    service = await start(settings.network, settings.storage, settings.security, port=0)
    channel = open_channel(f"127.0.0.1:{service.port}")
    try:
        yield channel
    finally:
        await channel.close(None)
        await service.stop()


@pytest.fixture
async def channel(
    tmp_path: Path,
    migrated_url: str,
    transaction_server: tuple[FakeTransactionService, str],
    pki: Pki,
) -> AsyncIterator[grpc.aio.Channel]:
    roots = pki.write("roots.pem", pki.root.pem)
    async with serving(
        tmp_path, migrated_url, transaction_server[1], CSMS_V2G_ROOT_CERTS=str(roots)
    ) as served:
        await auth_pb2_grpc.AuthServiceStub(served).CreateIdTag(
            auth_pb2.CreateIdTagRequest(id_tag=auth_pb2.IdTag(id_tag="EMAID-1"))
        )
        yield served


def hash_data(pki: Pki, contract: Issued, url: str | None = None) -> pb.OcspRequestData:
    entry = pki.hash_data(contract, url)
    return pb.OcspRequestData(
        hash_algorithm=entry["hashAlgorithm"],
        issuer_name_hash=entry["issuerNameHash"],
        issuer_key_hash=entry["issuerKeyHash"],
        serial_number=entry["serialNumber"],
        responder_url=entry["responderURL"],
    )


async def authorize(
    channel: grpc.aio.Channel, contract: pb.ContractCertificate, id_tag: str = "EMAID-1"
) -> tuple[Any, Any]:
    reply = await auth_pb2_grpc.AuthServiceStub(channel).Authorize(
        auth_pb2.AuthorizeRequest(
            id_tag=id_tag, charge_point_id="CP-PNC", contract_certificate=contract
        ),
        timeout=10,
    )
    return reply.id_token_info.status, reply.certificate_status


def unreachable() -> str:
    return f"http://127.0.0.1:{free_port()}/ocsp"


# --- Authorize with hash data (C07) ------------------------------------------------------


@pytest.mark.parametrize(
    ("which", "url", "expected"),
    [
        ("good", None, (Status.ACCEPTED, CertStatus.ACCEPTED)),
        ("revoked", None, (Status.INVALID, CertStatus.CERTIFICATE_REVOKED)),
        ("unknown", None, (Status.INVALID, CertStatus.CERT_CHAIN_ERROR)),
        ("good", "unreachable", (Status.INVALID, CertStatus.NO_CERTIFICATE_AVAILABLE)),
        ("good", "ftp://127.0.0.1/ocsp", (Status.INVALID, CertStatus.NO_CERTIFICATE_AVAILABLE)),
    ],
    ids=["good", "revoked", "unknown", "unreachable", "not http"],
)
async def test_authorize_with_hash_data_asks_the_responder(
    channel: grpc.aio.Channel, pki: Pki, which: str, url: str | None, expected: tuple[int, int]
) -> None:
    contract = getattr(pki, which)
    responder = unreachable() if url == "unreachable" else url
    entry = hash_data(pki, contract, responder)
    assert await authorize(channel, pb.ContractCertificate(hash_data=[entry])) == expected


async def test_a_revoked_certificate_never_accepts_even_after_a_good_one(
    channel: grpc.aio.Channel, pki: Pki
) -> None:
    entries = [hash_data(pki, pki.good), hash_data(pki, pki.revoked)]
    assert await authorize(channel, pb.ContractCertificate(hash_data=entries)) == (
        Status.INVALID,
        CertStatus.CERTIFICATE_REVOKED,
    )


async def test_the_identifier_still_decides_when_the_certificate_is_good(
    channel: grpc.aio.Channel, pki: Pki
) -> None:
    """The eMAID is an identifier like any other: unknown ones are not accepted."""
    contract = pb.ContractCertificate(hash_data=[hash_data(pki, pki.good)])
    assert await authorize(channel, contract, id_tag="EMAID-NOT-STORED") == (
        Status.INVALID,
        CertStatus.ACCEPTED,
    )


async def test_malformed_hash_data_is_invalid_argument(channel: grpc.aio.Channel, pki: Pki) -> None:
    entry = hash_data(pki, pki.good)
    entry.issuer_key_hash = "not hex"
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await authorize(channel, pb.ContractCertificate(hash_data=[entry]))
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "issuer_key_hash 'not hex' is not hexadecimal" in (refused.value.details() or "")


# --- Authorize with the certificate chain (C07) ------------------------------------------


@pytest.mark.parametrize(
    ("which", "expected"),
    [
        ("good", (Status.ACCEPTED, CertStatus.ACCEPTED)),
        ("revoked", (Status.INVALID, CertStatus.CERTIFICATE_REVOKED)),
    ],
)
async def test_authorize_with_a_chain_verifies_it_then_asks_ocsp(
    channel: grpc.aio.Channel, pki: Pki, which: str, expected: tuple[int, int]
) -> None:
    chain = pki.chain(getattr(pki, which))
    assert await authorize(channel, pb.ContractCertificate(certificate_chain=chain)) == expected


async def test_a_chain_to_another_root_is_a_chain_error(
    channel: grpc.aio.Channel, pki: Pki, tmp_path: Path
) -> None:
    with plug_and_charge_pki(tmp_path / "other") as other:
        chain = other.chain(other.good)
        assert await authorize(channel, pb.ContractCertificate(certificate_chain=chain)) == (
            Status.INVALID,
            CertStatus.CERT_CHAIN_ERROR,
        )


# --- GetCertificateStatus (M06) ----------------------------------------------------------


async def test_get_certificate_status_returns_the_responders_answer(
    channel: grpc.aio.Channel, pki: Pki
) -> None:
    stub = contract_certificates_pb2_grpc.ContractCertificateServiceStub(channel)
    for contract, expected in (
        (pki.good, ocsp.OCSPCertStatus.GOOD),
        (pki.revoked, ocsp.OCSPCertStatus.REVOKED),
    ):
        reply = await stub.GetCertificateStatus(
            pb.GetCertificateStatusRequest(
                charge_point_id="CP-PNC", ocsp_request_data=hash_data(pki, contract)
            ),
            timeout=10,
        )
        assert reply.status == pb.GetCertificateStatusResponse.ACCEPTED
        response = ocsp.load_der_ocsp_response(reply.ocsp_response)
        assert response.certificate_status is expected
        assert response.serial_number == contract.certificate.serial_number


async def test_get_certificate_status_fails_when_the_responder_is_unreachable(
    channel: grpc.aio.Channel, pki: Pki
) -> None:
    stub = contract_certificates_pb2_grpc.ContractCertificateServiceStub(channel)
    reply = await stub.GetCertificateStatus(
        pb.GetCertificateStatusRequest(ocsp_request_data=hash_data(pki, pki.good, unreachable())),
        timeout=10,
    )
    assert reply.status == pb.GetCertificateStatusResponse.FAILED
    assert "did not answer" in reply.reason and not reply.ocsp_response
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await stub.GetCertificateStatus(pb.GetCertificateStatusRequest(), timeout=10)
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT


# --- Get15118EVCertificate (M01/M02) -----------------------------------------------------


def ev_request(action: int = pb.GetEvContractCertificateRequest.INSTALL) -> Any:
    return pb.GetEvContractCertificateRequest(
        charge_point_id="CP-PNC",
        iso15118_schema_version="urn:iso:15118:2:2013:MsgDef",
        action=action,  # type: ignore[arg-type]
        exi_request=base64.b64encode(b"CertificateInstallationReq").decode(),
    )


async def test_without_a_contract_certificate_service_the_answer_is_failed(
    channel: grpc.aio.Channel,
) -> None:
    stub = contract_certificates_pb2_grpc.ContractCertificateServiceStub(channel)
    reply = await stub.GetEvContractCertificate(ev_request(), timeout=10)
    assert reply.status == pb.GetEvContractCertificateResponse.FAILED
    assert "CSMS_CONTRACT_CERTIFICATE_URL" in reply.reason


async def test_the_request_is_forwarded_to_the_contract_certificate_service(
    tmp_path: Path, migrated_url: str, transaction_server: tuple[FakeTransactionService, str]
) -> None:
    with contract_certificate_service() as service:
        async with serving(
            tmp_path,
            migrated_url,
            transaction_server[1],
            CSMS_CONTRACT_CERTIFICATE_URL=service.url,
        ) as served:
            stub = contract_certificates_pb2_grpc.ContractCertificateServiceStub(served)
            reply = await stub.GetEvContractCertificate(
                ev_request(pb.GetEvContractCertificateRequest.UPDATE), timeout=10
            )
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await stub.GetEvContractCertificate(ev_request(action=0), timeout=10)
    assert reply.status == pb.GetEvContractCertificateResponse.ACCEPTED
    assert reply.exi_response == EXI_RESPONSE
    assert service.received == [
        {
            "chargePointId": "CP-PNC",
            "iso15118SchemaVersion": "urn:iso:15118:2:2013:MsgDef",
            "action": "Update",
            "exiRequest": base64.b64encode(b"CertificateInstallationReq").decode(),
        }
    ]
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "action '0' is not one of Install, Update" in (refused.value.details() or "")


async def test_a_refusal_of_the_contract_certificate_service_is_failed_with_its_reason(
    tmp_path: Path, migrated_url: str, transaction_server: tuple[FakeTransactionService, str]
) -> None:
    refusal = {"status": "Failed", "reason": "no contract for this EV"}
    with contract_certificate_service(refusal) as service:
        async with serving(
            tmp_path, migrated_url, transaction_server[1], CSMS_CONTRACT_CERTIFICATE_URL=service.url
        ) as served:
            stub = contract_certificates_pb2_grpc.ContractCertificateServiceStub(served)
            reply = await stub.GetEvContractCertificate(ev_request(), timeout=10)
    assert reply.status == pb.GetEvContractCertificateResponse.FAILED
    assert "no contract for this EV" in reply.reason


# --- SignCertificate V2GCertificate (A02/A03) --------------------------------------------


async def test_v2g_certificates_are_signed_by_the_configured_v2g_ca(
    tmp_path: Path,
    migrated_url: str,
    transaction_server: tuple[FakeTransactionService, str],
    pki: Pki,
) -> None:
    cert = pki.write("v2g-ca.pem", pki.v2g_ca.pem + pki.root.pem)
    key = pki.write("v2g-ca.key", pki.key_pem(pki.v2g_ca))
    request = certificates_pb2.SignChargePointCertificateRequest(
        charge_point_id="CP-PNC",
        csr=csr_pem("DE*CPO*E0001"),
        use=certificates_pb2.SignChargePointCertificateRequest.V2G,
    )
    async with serving(tmp_path, migrated_url, transaction_server[1]) as served:
        refused = await certificates_pb2_grpc.CertificateAuthorityServiceStub(
            served
        ).SignChargePointCertificate(request, timeout=10)
    assert refused.status == certificates_pb2.SignChargePointCertificateResponse.REJECTED
    assert "no V2G CA is configured" in refused.reason
    async with serving(
        tmp_path,
        migrated_url,
        transaction_server[1],
        CSMS_V2G_CA_CERT=str(cert),
        CSMS_V2G_CA_KEY=str(key),
    ) as served:
        signed = await certificates_pb2_grpc.CertificateAuthorityServiceStub(
            served
        ).SignChargePointCertificate(request, timeout=10)
    assert signed.status == certificates_pb2.SignChargePointCertificateResponse.SIGNED
    leaf, sub_ca, root = x509.load_pem_x509_certificates(signed.certificate_chain.encode())
    leaf.verify_directly_issued_by(pki.v2g_ca.certificate)
    assert (sub_ca, root) == (pki.v2g_ca.certificate, pki.root.certificate)


async def test_half_a_v2g_ca_stops_the_start(
    tmp_path: Path,
    migrated_url: str,
    transaction_server: tuple[FakeTransactionService, str],
    pki: Pki,
) -> None:
    cert = pki.write("v2g-only.pem", pki.v2g_ca.pem)
    with pytest.raises(SettingsError, match="CSMS_V2G_CA_CERT and CSMS_V2G_CA_KEY go together"):
        async with serving(
            tmp_path, migrated_url, transaction_server[1], CSMS_V2G_CA_CERT=str(cert)
        ):
            pass


# --- the record of checks ----------------------------------------------------------------


async def test_every_check_is_recorded_newest_first(
    tmp_path: Path,
    migrated_url: str,
    transaction_server: tuple[FakeTransactionService, str],
    pki: Pki,
) -> None:
    async with serving(tmp_path, migrated_url, transaction_server[1]) as served:
        auth = auth_pb2_grpc.AuthServiceStub(served)
        await auth.CreateIdTag(auth_pb2.CreateIdTagRequest(id_tag=auth_pb2.IdTag(id_tag="EMAID-R")))
        await authorize(
            served, pb.ContractCertificate(hash_data=[hash_data(pki, pki.revoked)]), "EMAID-R"
        )
        stub = contract_certificates_pb2_grpc.ContractCertificateServiceStub(served)
        await stub.GetCertificateStatus(
            pb.GetCertificateStatusRequest(
                charge_point_id="CP-PNC", ocsp_request_data=hash_data(pki, pki.good)
            )
        )
        await stub.GetEvContractCertificate(ev_request())
        listed = await auth.ListContractCertificateChecks(
            pb.ListContractCertificateChecksRequest(charge_point_id="CP-PNC")
        )
        one = await auth.ListContractCertificateChecks(
            pb.ListContractCertificateChecksRequest(charge_point_id="CP-PNC", page_size=1)
        )
        other = await auth.ListContractCertificateChecks(
            pb.ListContractCertificateChecksRequest(charge_point_id="CP-OTHER")
        )
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await auth.ListContractCertificateChecks(
                pb.ListContractCertificateChecksRequest(charge_point_id="CP-PNC", page_size=5000)
            )
    assert [(c.action, c.id_tag, c.status) for c in listed.checks] == [
        ("Get15118EVCertificate", "", "Failed"),
        ("GetCertificateStatus", "", "Accepted"),
        ("Authorize", "EMAID-R", "CertificateRevoked"),
    ]
    assert "CSMS_CONTRACT_CERTIFICATE_URL" in listed.checks[0].reason
    serial = f"{pki.revoked.certificate.serial_number:X}"
    assert listed.checks[2].serial_number == serial
    assert listed.checks[2].checked_at.seconds > 0
    assert [c.action for c in one.checks] == ["Get15118EVCertificate"]
    assert list(other.checks) == []
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "page_size 5000 is not between 0 and 1000" in (refused.value.details() or "")
