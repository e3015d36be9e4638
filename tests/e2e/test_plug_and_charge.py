"""ISO 15118 Plug & Charge through the whole system (Envoy, edge, auth_svc) with real
stations' sockets, OCPP 2.0.1 and 2.1: Authorize with a contract certificate decided by a
real ``openssl ocsp`` responder (C07), GetCertificateStatus (M06), Get15118EVCertificate
through a local stand-in contract certificate service (M01/M02), SignCertificate of a V2G
certificate by a test V2G sub-CA (A02/A03), and ``csms-sim --plug-and-charge``. Every
certificate is made by the test."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509 import ocsp
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from csms_client import CsmsClient
from tests.support.certificates import csr_pem
from tests.support.plug_and_charge import (
    EXI_RESPONSE,
    ContractService,
    Pki,
    contract_certificate_service,
    crl_of,
    plug_and_charge_pki,
    serving_files,
)
from tests.support.ports import free_port
from tests.support.system import System, running_system

pytestmark = pytest.mark.e2e

VERSIONS = ["2.0.1", "2.1"]
EMAIDS = ("EMAID-GOOD", "EMAID-REVOKED", "EMAID-UNKNOWN")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pki]:
    with plug_and_charge_pki(tmp_path_factory.mktemp("pki")) as running:
        yield running


@pytest.fixture(scope="module")
def contracts() -> Iterator[ContractService]:
    with contract_certificate_service() as service:
        yield service


@pytest.fixture(scope="module")
def system(
    tmp_path_factory: pytest.TempPathFactory, pki: Pki, contracts: ContractService
) -> Iterator[System]:
    env = {
        "CSMS_V2G_ROOT_CERTS": str(pki.write("roots.pem", pki.root.pem)),
        "CSMS_V2G_CA_CERT": str(pki.write("v2g-ca.pem", pki.v2g_ca.pem)),
        "CSMS_V2G_CA_KEY": str(pki.write("v2g-ca.key", pki.key_pem(pki.v2g_ca))),
        "CSMS_CONTRACT_CERTIFICATE_URL": contracts.url,
    }
    with running_system(tmp_path_factory.mktemp("csms"), **env) as running:
        for emaid in EMAIDS:
            reply = httpx.post(f"{running.api_gateway}/api/v1/id-tags", json={"idTag": emaid})
            assert reply.status_code == 200, reply.text
        yield running


@asynccontextmanager
async def station(system: System, cp_id: str, version: str) -> AsyncIterator[ClientConnection]:
    async with connect(
        f"{system.ocpp_url}/{cp_id}", subprotocols=[Subprotocol(f"ocpp{version}")]
    ) as ws:
        yield ws


async def call(ws: ClientConnection, action: str, payload: dict[str, Any]) -> Any:
    await ws.send(json.dumps([2, f"m-{action}", action, payload]))
    reply = json.loads(await ws.recv())
    assert reply[1] == f"m-{action}", reply
    return reply


async def result(ws: ClientConnection, action: str, payload: dict[str, Any]) -> Any:
    reply = await call(ws, action, payload)
    assert reply[0] == 3, reply
    return reply[2]


def token(emaid: str) -> dict[str, str]:
    return {"idToken": emaid, "type": "eMAID"}


# (contract certificate, its responder answers, the answer: idTokenInfo, certificateStatus)
HASH_DATA_CASES = {
    "good": ("good", True, ("Accepted", "Accepted")),
    "revoked": ("revoked", True, ("Invalid", "CertificateRevoked")),
    "unknown": ("unknown", True, ("Invalid", "CertChainError")),
    "unreachable": ("good", False, ("Invalid", "NoCertificateAvailable")),
}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("case", list(HASH_DATA_CASES))
async def test_authorize_with_hash_data(system: System, pki: Pki, version: str, case: str) -> None:
    which, answers, expected = HASH_DATA_CASES[case]
    url = None if answers else f"http://127.0.0.1:{free_port()}/"
    async with station(system, f"PNC-{case}-{version}", version) as ws:
        answer = await result(
            ws,
            "Authorize",
            {
                "idToken": token(f"EMAID-{which.upper()}"),
                "iso15118CertificateHashData": [pki.hash_data(getattr(pki, which), url)],
            },
        )
    assert (answer["idTokenInfo"]["status"], answer["certificateStatus"]) == expected


@pytest.mark.parametrize("version", VERSIONS)
async def test_authorize_with_the_certificate_chain(system: System, pki: Pki, version: str) -> None:
    async with station(system, f"PNC-CHAIN-{version}", version) as ws:
        good = await result(
            ws, "Authorize", {"idToken": token("EMAID-GOOD"), "certificate": pki.chain(pki.good)}
        )
        revoked = await result(
            ws,
            "Authorize",
            {"idToken": token("EMAID-REVOKED"), "certificate": pki.chain(pki.revoked)},
        )
        foreign = await result(
            ws, "Authorize", {"idToken": token("EMAID-GOOD"), "certificate": pki.good.pem}
        )
    assert (good["idTokenInfo"]["status"], good["certificateStatus"]) == ("Accepted", "Accepted")
    assert revoked["certificateStatus"] == "CertificateRevoked"
    assert revoked["idTokenInfo"]["status"] == "Invalid"
    # The contract certificate alone does not chain to the V2G root.
    assert foreign["certificateStatus"] == "CertChainError"


@pytest.mark.parametrize("version", VERSIONS)
async def test_bad_hash_data_is_a_callerror_naming_the_field(
    system: System, pki: Pki, version: str
) -> None:
    entry = {**pki.hash_data(pki.good), "issuerKeyHash": "zz"}
    async with station(system, f"PNC-BAD-{version}", version) as ws:
        reply = await call(
            ws,
            "Authorize",
            {"idToken": token("EMAID-GOOD"), "iso15118CertificateHashData": [entry]},
        )
    assert reply[0] == 4 and reply[2] == "PropertyConstraintViolation", reply
    assert "issuer_key_hash 'zz' is not hexadecimal" in reply[3]


@pytest.mark.parametrize("version", VERSIONS)
async def test_get_certificate_status(system: System, pki: Pki, version: str) -> None:
    async with station(system, f"PNC-OCSP-{version}", version) as ws:
        revoked = await result(
            ws, "GetCertificateStatus", {"ocspRequestData": pki.hash_data(pki.revoked)}
        )
        unreachable = await result(
            ws,
            "GetCertificateStatus",
            {"ocspRequestData": pki.hash_data(pki.good, f"http://127.0.0.1:{free_port()}/")},
        )
    assert revoked["status"] == "Accepted"
    response = ocsp.load_der_ocsp_response(base64.b64decode(revoked["ocspResult"]))
    assert response.certificate_status is ocsp.OCSPCertStatus.REVOKED
    assert response.serial_number == pki.revoked.certificate.serial_number
    assert unreachable["status"] == "Failed" and "ocspResult" not in unreachable
    assert "did not answer" in unreachable["statusInfo"]["additionalInfo"]


@pytest.mark.parametrize("version", VERSIONS)
async def test_get_15118_ev_certificate(
    system: System, contracts: ContractService, version: str
) -> None:
    exi = base64.b64encode(f"EV request {version}".encode()).decode()
    async with station(system, f"PNC-EV-{version}", version) as ws:
        answer = await result(
            ws,
            "Get15118EVCertificate",
            {
                "iso15118SchemaVersion": "urn:iso:15118:2:2013:MsgDef",
                "action": "Install",
                "exiRequest": exi,
            },
        )
    assert answer == {"status": "Accepted", "exiResponse": EXI_RESPONSE}
    assert {
        "chargePointId": f"PNC-EV-{version}",
        "iso15118SchemaVersion": "urn:iso:15118:2:2013:MsgDef",
        "action": "Install",
        "exiRequest": exi,
    } in contracts.received


@pytest.mark.parametrize("version", VERSIONS)
async def test_a_v2g_certificate_is_signed_by_the_v2g_ca(
    system: System, pki: Pki, version: str
) -> None:
    async with station(system, f"PNC-V2G-{version}", version) as ws:
        answer = await result(
            ws, "SignCertificate", {"csr": csr_pem("SECC-1"), "certificateType": "V2GCertificate"}
        )
        assert answer == {"status": "Accepted"}
        signed = json.loads(await ws.recv())
        await ws.send(json.dumps([3, signed[1], {"status": "Accepted"}]))
    assert signed[2] == "CertificateSigned"
    assert signed[3]["certificateType"] == "V2GCertificate"
    leaf, sub_ca = x509.load_pem_x509_certificates(signed[3]["certificateChain"].encode())
    leaf.verify_directly_issued_by(pki.v2g_ca.certificate)
    assert sub_ca == pki.v2g_ca.certificate


@pytest.mark.parametrize("version", VERSIONS)
def test_the_simulator_charges_with_plug_and_charge(
    system: System, pki: Pki, version: str, tmp_path: Path
) -> None:
    contract = pki.write(f"contract-{version}.pem", pki.chain(pki.good))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator.cli",
            f"SIM-PNC-{version}",
            version,
            system.ocpp_url,
            "--plug-and-charge",
            str(contract),
            "--meter-values",
            "1",
            "--interval",
            "0.1",
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    log = run.stdout + run.stderr
    assert run.returncode == 0, log
    assert "-> Get15118EVCertificate action=Install <- Accepted" in log
    assert "-> GetCertificateStatus serialNumber=" in log and "<- Accepted" in log
    assert (
        "-> Authorize idToken=EMAID-GOOD (eMAID) with certificate hash data "
        "<- Accepted certificateStatus=Accepted" in log
    )
    assert "charged transaction" in log
    chain_status = "-> GetCertificateChainStatus serialNumber="
    if version == "2.1":
        assert chain_status in log and "source=OCSP <- Good" in log
    else:
        assert chain_status not in log


@pytest.mark.parametrize("version", VERSIONS)
def test_the_simulator_stops_at_a_revoked_contract(system: System, pki: Pki, version: str) -> None:
    contract = pki.write(f"revoked-{version}.pem", pki.chain(pki.revoked))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator.cli",
            f"SIM-PNC-R-{version}",
            version,
            system.ocpp_url,
            "--plug-and-charge",
            str(contract),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "eMAID EMAID-REVOKED is Invalid (contract certificate CertificateRevoked)" in run.stderr


@pytest.mark.parametrize(
    "path",
    [
        "/csms.auth.v1.ContractCertificateService/GetCertificateStatus",
        "/csms.auth.v1.ContractCertificateService/GetEvContractCertificate",
    ],
)
def test_the_plug_and_charge_rpcs_are_not_reachable_through_envoy(
    system: System, path: str
) -> None:
    """Internal (ADR 3): only the edge asks auth_svc to make outside calls."""
    for base in (system.api_gateway, system.gateway):
        reply = httpx.post(
            f"{base}{path}",
            content=b"\x00\x00\x00\x00\x00",
            headers={"content-type": "application/grpc"},
        )
        assert (reply.status_code, reply.headers.get("grpc-status")) == (200, "12")


async def test_the_checks_are_listed_over_rest_and_the_sdk(system: System, pki: Pki) -> None:
    async with station(system, "PNC-LIST", "2.0.1") as ws:
        await result(
            ws,
            "Authorize",
            {
                "idToken": token("EMAID-REVOKED"),
                "iso15118CertificateHashData": [pki.hash_data(pki.revoked)],
            },
        )
    url = f"{system.api_gateway}/api/v1/charge-points/PNC-LIST/contract-certificate-checks"
    async with httpx.AsyncClient() as client:
        listed = await client.get(url)
        refused = await client.get(url, params={"pageSize": 5000})
    assert listed.status_code == 200, listed.text
    (check,) = listed.json()["checks"]
    assert {key: check[key] for key in ("chargePointId", "action", "idTag", "status")} == {
        "chargePointId": "PNC-LIST",
        "action": "Authorize",
        "idTag": "EMAID-REVOKED",
        "status": "CertificateRevoked",
    }
    assert check["serialNumber"] == f"{pki.revoked.certificate.serial_number:X}"
    assert refused.status_code == 400
    assert "page_size 5000 is not between 0 and 1000" in refused.json()["message"]
    async with CsmsClient(auth=system.grpc_address("auth")) as csms:
        reply = await csms.contract_certificates.checks("PNC-LIST")
    assert [(c.action, c.status) for c in reply.checks] == [("Authorize", "CertificateRevoked")]


def cert_hash_data(certificate: x509.Certificate, issuer: x509.Certificate) -> dict[str, str]:
    """OCPP 2.1 CertificateHashDataType of ``certificate``."""
    request = (
        ocsp.OCSPRequestBuilder().add_certificate(certificate, issuer, hashes.SHA256()).build()
    )
    return {
        "hashAlgorithm": "SHA256",
        "issuerNameHash": request.issuer_name_hash.hex(),
        "issuerKeyHash": request.issuer_key_hash.hex(),
        "serialNumber": f"{request.serial_number:X}",
    }


async def test_get_certificate_chain_status_in_2_1(system: System, pki: Pki) -> None:
    """OCSP: the station's URLs in order (the first is down); CRL: the root's CRL, which
    lists the V2G sub-CA; a CRL that is not there is Failed."""
    revoked = {k: v for k, v in pki.hash_data(pki.revoked).items() if k != "responderURL"}
    mo_ca = cert_hash_data(pki.mo_ca.certificate, pki.root.certificate)
    v2g_ca = cert_hash_data(pki.v2g_ca.certificate, pki.root.certificate)
    crl = crl_of(pki.root, [pki.v2g_ca])
    with serving_files({"root.crl": crl}) as base:
        down = f"http://127.0.0.1:{free_port()}/"
        requests = [
            {"certificateHashData": revoked, "source": "OCSP", "urls": [down, pki.responder_url]},
            {"certificateHashData": mo_ca, "source": "CRL", "urls": [f"{base}/root.crl"]},
            {"certificateHashData": v2g_ca, "source": "CRL", "urls": [f"{base}/root.crl"]},
            {"certificateHashData": mo_ca, "source": "CRL", "urls": [f"{base}/missing.crl"]},
        ]
        async with station(system, "PNC-CHAIN-21", "2.1") as ws:
            answer = await result(
                ws, "GetCertificateChainStatus", {"certificateStatusRequests": requests}
            )
    statuses = answer["certificateStatus"]
    assert [(s["source"], s["status"]) for s in statuses] == [
        ("OCSP", "Revoked"),
        ("CRL", "Good"),
        ("CRL", "Revoked"),
        ("CRL", "Failed"),
    ]
    assert [s["certificateHashData"] for s in statuses] == [
        r["certificateHashData"] for r in requests
    ]
    assert all(s["nextUpdate"].endswith("Z") for s in statuses)


async def test_without_the_outside_parties_stations_are_told_why(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Nothing configured: Get15118EVCertificate is Failed and a V2G certificate request
    Rejected, each with the reason, never NotImplemented."""
    with running_system(tmp_path_factory.mktemp("bare")) as bare:
        async with station(bare, "PNC-BARE", "2.0.1") as ws:
            ev = await result(
                ws,
                "Get15118EVCertificate",
                {
                    "iso15118SchemaVersion": "urn:iso:15118:2:2013:MsgDef",
                    "action": "Install",
                    "exiRequest": "AAEC",
                },
            )
            v2g = await result(
                ws,
                "SignCertificate",
                {"csr": csr_pem("SECC-1"), "certificateType": "V2GCertificate"},
            )
    assert (ev["status"], ev["exiResponse"]) == ("Failed", "")
    assert "CSMS_CONTRACT_CERTIFICATE_URL" in ev["statusInfo"]["additionalInfo"]
    assert v2g["status"] == "Rejected"
    assert "no V2G CA is configured" in v2g["statusInfo"]["additionalInfo"]
