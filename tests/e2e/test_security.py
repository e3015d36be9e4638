"""Admission and OCPP security profiles 1-3 through the public face: `csms up` with strict
admission, Envoy's plain and TLS listeners, real TLS sockets. Every certificate here is
made by the test (the client ones with ``cryptography``, the CSMS CA by `csms up` in the
test's own data dir); none comes from elsewhere."""

from __future__ import annotations

import asyncio
import base64
import json
import ssl
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidMessage, InvalidStatus
from websockets.typing import Subprotocol

from servicekit.pki import CertificateAuthority, create_authority, load_authority
from tests.support.system import System, running_system

pytestmark = pytest.mark.e2e

OCPP16 = [Subprotocol("ocpp1.6")]
BOOT = {"chargePointVendor": "E2E", "chargePointModel": "Secure"}
PASSWORD = "a-password-of-24-chars!!"


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """Production admission: unknown charge points are refused; each charge point's own
    profile applies (minimum 0, so that every profile is tried on one system)."""
    with running_system(tmp_path_factory.mktemp("csms"), CSMS_ADMISSION_POLICY="strict") as running:
        yield running


@dataclass(frozen=True)
class Files:
    """PEM files a station would hold."""

    certificate: Path
    key: Path


def csms_ca(system: System) -> CertificateAuthority:
    pki = Path(system.env["CSMS_DATA_DIR"]) / "pki"
    return load_authority(pki / "ca.pem", pki / "ca.key")


def station_certificate(authority: CertificateAuthority, cn: str, directory: Path) -> Files:
    """A new key and a client certificate for subject CN ``cn`` signed by ``authority``,
    the way a station gets one: from its own CSR."""
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
        .sign(key, hashes.SHA256())
    )
    signed = authority.sign_request(csr.public_bytes(serialization.Encoding.PEM).decode(), days=1)
    directory.mkdir(parents=True, exist_ok=True)
    files = Files(directory / f"{cn}.pem", directory / f"{cn}.key")
    files.certificate.write_text(signed)
    files.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


def tls(system: System, client: Files | None = None) -> ssl.SSLContext:
    """A station's TLS: it trusts the CSMS CA, and presents ``client`` when given."""
    context = ssl.create_default_context(
        cafile=str(Path(system.env["CSMS_DATA_DIR"]) / "pki" / "ca.pem")
    )
    if client is not None:
        context.load_cert_chain(client.certificate, client.key)
    return context


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def register(system: System, cp_id: str, status: str = "ACCEPTED") -> None:
    reply = httpx.post(
        f"{system.api_gateway}/api/v1/charge-points",
        json={"id": cp_id, "registrationStatus": status},
    )
    assert reply.status_code == 200, reply.text


def set_credentials(system: System, cp_id: str, profile: int, password: str = "") -> Any:
    body: dict[str, Any] = {"securityProfile": profile}
    if password:
        body["password"] = password
    reply = httpx.put(f"{system.api_gateway}/api/v1/charge-points/{cp_id}/credentials", json=body)
    assert reply.status_code == 200, reply.text
    return reply.json()


@asynccontextmanager
async def station(
    url: str, headers: dict[str, str] | None = None, context: ssl.SSLContext | None = None
) -> AsyncIterator[ClientConnection]:
    async with connect(
        url, subprotocols=OCPP16, additional_headers=headers or {}, ssl=context, open_timeout=10
    ) as ws:
        yield ws


async def boot(ws: ClientConnection) -> str:
    await ws.send(json.dumps([2, "b1", "BootNotification", BOOT]))
    reply = json.loads(await ws.recv())
    assert reply[0] == 3, reply
    status: str = reply[2]["status"]
    return status


async def refusal(
    url: str, headers: dict[str, str] | None = None, context: ssl.SSLContext | None = None
) -> tuple[int, str, dict[str, str]]:
    with pytest.raises(InvalidStatus) as refused:
        async with station(url, headers, context):
            pass
    response = refused.value.response
    return (
        response.status_code,
        (response.body or b"").decode().strip(),
        {k.lower(): v for k, v in response.headers.raw_items()},
    )


# --- admission ---------------------------------------------------------------------------


async def test_strict_admission_refuses_unknown_charge_points_at_the_handshake(
    system: System,
) -> None:
    status, reason, _ = await refusal(f"{system.ocpp_url}/SEC-UNKNOWN")
    assert status == 404
    assert reason == (
        "charge point SEC-UNKNOWN is not registered and the admission policy is strict: "
        "register it first (POST /api/v1/charge-points)"
    )
    register(system, "SEC-UNKNOWN")
    async with station(f"{system.ocpp_url}/SEC-UNKNOWN") as ws:
        assert await boot(ws) == "Accepted"


@pytest.mark.parametrize("stored", ["PENDING", "REJECTED"])
async def test_boot_answers_follow_the_stored_status(system: System, stored: str) -> None:
    cp_id = f"SEC-{stored}"
    register(system, cp_id, stored)
    async with station(f"{system.ocpp_url}/{cp_id}") as ws:
        assert await boot(ws) == stored.capitalize()


# --- profile 1: Basic auth over ws:// ----------------------------------------------------


async def test_profile_1(system: System) -> None:
    register(system, "SEC-P1")
    shown = set_credentials(system, "SEC-P1", 1, PASSWORD)
    assert shown == {
        "chargePointId": "SEC-P1",
        "securityProfile": 1,
        "effectiveSecurityProfile": 1,
        "passwordSet": True,
        "passwordChangePending": False,
        "updatedAt": shown["updatedAt"],
        "pendingSecurityProfile": 0,
    }
    url = f"{system.ocpp_url}/SEC-P1"
    async with station(url, basic("SEC-P1", PASSWORD)) as ws:
        assert await boot(ws) == "Accepted"

    status, reason, headers = await refusal(url, basic("SEC-P1", "not-the-password-123"))
    assert (status, reason) == (401, "wrong password for charge point SEC-P1")
    assert headers["www-authenticate"] == 'Basic realm="csms", charset="UTF-8"'

    status, reason, headers = await refusal(url)
    assert (status, reason) == (
        401,
        "charge point SEC-P1 uses security profile 1: send HTTP Basic auth with username "
        "SEC-P1 and its password",
    )
    assert "www-authenticate" in headers

    status, reason, _ = await refusal(url, basic("SEC-OTHER", PASSWORD))
    assert (status, reason) == (
        401,
        "the Basic auth username is 'SEC-OTHER'; it must be the charge point id 'SEC-P1'",
    )

    # The password in the URL, as stations (and csms-sim) configure it.
    async with station(
        f"ws://SEC-P1:{PASSWORD}@127.0.0.1:{system.port('CSMS_OCPP_PORT')}/ocpp/SEC-P1"
    ) as ws:
        assert await boot(ws) == "Accepted"

    async with httpx.AsyncClient() as client:
        reply = await client.get(f"{system.api_gateway}/api/v1/charge-points/SEC-P1/credentials")
    assert reply.status_code == 200 and PASSWORD not in reply.text


async def test_changing_the_password_on_a_connected_station(system: System) -> None:
    """ChangeChargePointPassword: 1.6 ChangeConfiguration AuthorizationKey (hex) to the
    station; afterwards only the new password opens a connection."""
    register(system, "SEC-ROTATE")
    set_credentials(system, "SEC-ROTATE", 1, PASSWORD)
    new = "new-password-of-20b"
    url = f"{system.ocpp_url}/SEC-ROTATE"
    async with station(url, basic("SEC-ROTATE", PASSWORD)) as ws:
        assert await boot(ws) == "Accepted"
        async with httpx.AsyncClient(timeout=30) as client:
            changing = asyncio.create_task(
                client.post(
                    f"{system.api_gateway}/api/v1/charge-points/SEC-ROTATE/credentials/password",
                    json={"password": new},
                )
            )
            receiving = asyncio.ensure_future(ws.recv())
            await asyncio.wait({changing, receiving}, return_when=asyncio.FIRST_COMPLETED)
            assert receiving.done(), (await changing).text
            call = json.loads(receiving.result())
            assert call[0] == 2 and call[2] == "ChangeConfiguration"
            assert call[3] == {"key": "AuthorizationKey", "value": new.encode().hex().upper()}
            await ws.send(json.dumps([3, call[1], {"status": "Accepted"}]))
            reply = await changing
    assert reply.status_code == 200, reply.text
    assert reply.json()["passwordSet"] and not reply.json()["passwordChangePending"]
    assert new not in reply.text
    async with station(url, basic("SEC-ROTATE", new)) as ws:
        assert await boot(ws) == "Accepted"
    assert (await refusal(url, basic("SEC-ROTATE", PASSWORD)))[0] == 401


def test_a_password_change_for_a_station_that_is_offline(system: System) -> None:
    register(system, "SEC-OFFLINE")
    reply = httpx.post(
        f"{system.api_gateway}/api/v1/charge-points/SEC-OFFLINE/credentials/password",
        json={"password": "a-password-for-later"},
    )
    assert reply.status_code == 404
    assert "charge point SEC-OFFLINE is not connected" in reply.json()["message"]


def test_invalid_credentials_are_refused_by_the_api(system: System) -> None:
    reply = httpx.put(
        f"{system.api_gateway}/api/v1/charge-points/SEC-BAD/credentials",
        json={"securityProfile": 2, "password": "short"},
    )
    assert reply.status_code == 400
    assert "password must be 16 to 40 characters long, got 5" in reply.json()["message"]


# --- profile 2: TLS and Basic auth -------------------------------------------------------


async def test_profile_2(system: System) -> None:
    register(system, "SEC-P2")
    set_credentials(system, "SEC-P2", 2, PASSWORD)
    async with station(
        f"{system.ocpp_tls_url}/SEC-P2", basic("SEC-P2", PASSWORD), tls(system)
    ) as ws:
        assert await boot(ws) == "Accepted"

    status, reason, _ = await refusal(f"{system.ocpp_url}/SEC-P2", basic("SEC-P2", PASSWORD))
    assert (status, reason) == (
        403,
        "charge point SEC-P2 uses security profile 2: connect with wss:// (TLS); Basic auth "
        "over plain ws:// is not accepted",
    )
    status, _, _ = await refusal(f"{system.ocpp_tls_url}/SEC-P2", context=tls(system))
    assert status == 401


async def test_the_tls_listener_serves_the_gateway_rest_api_too(system: System) -> None:
    async with httpx.AsyncClient(verify=tls(system)) as client:
        reply = await client.get(
            f"https://127.0.0.1:{system.port('CSMS_OCPP_TLS_PORT')}/connections"
        )
    assert reply.status_code == 200 and "connections" in reply.json()


# --- profile 3: TLS client certificates --------------------------------------------------


async def test_profile_3(system: System, tmp_path: Path) -> None:
    register(system, "SEC-P3")
    shown = set_credentials(system, "SEC-P3", 3)
    assert shown["securityProfile"] == 3 and not shown["passwordSet"]
    url = f"{system.ocpp_tls_url}/SEC-P3"
    authority = csms_ca(system)

    right = station_certificate(authority, "SEC-P3", tmp_path / "right")
    async with station(url, context=tls(system, right)) as ws:
        assert await boot(ws) == "Accepted"

    wrong = station_certificate(authority, "SEC-P3-IMPOSTOR", tmp_path / "wrong")
    status, reason, _ = await refusal(url, context=tls(system, wrong))
    assert (status, reason) == (
        403,
        "the client certificate is issued to 'SEC-P3-IMPOSTOR', not to charge point 'SEC-P3'",
    )

    status, reason, _ = await refusal(url, context=tls(system))
    assert (status, reason) == (
        403,
        "charge point SEC-P3 uses security profile 3: present a client certificate issued "
        "by the CSMS CA with subject CN=SEC-P3",
    )

    status, reason, _ = await refusal(f"{system.ocpp_url}/SEC-P3")
    assert status == 403 and "connect with wss:// (TLS) and its client certificate" in reason


async def test_a_certificate_from_another_ca_fails_the_tls_handshake(
    system: System, tmp_path: Path
) -> None:
    register(system, "SEC-P3-FOREIGN")
    set_credentials(system, "SEC-P3-FOREIGN", 3)
    foreign = station_certificate(
        create_authority("Another CA"), "SEC-P3-FOREIGN", tmp_path / "foreign"
    )
    url = f"{system.ocpp_tls_url}/SEC-P3-FOREIGN"
    # TLS 1.2 verifies the client's certificate within the handshake: Envoy's alert says why.
    tls12 = tls(system, foreign)
    tls12.maximum_version = ssl.TLSVersion.TLSv1_2
    with pytest.raises(ssl.SSLError, match="ALERT_UNKNOWN_CA"):
        async with station(url, context=tls12):
            pass
    # TLS 1.3 verifies it after the client's handshake is done: Envoy closes the connection
    # before any HTTP answer.
    with pytest.raises(InvalidMessage, match="did not receive a valid HTTP response"):
        async with station(url, context=tls(system, foreign)):
            pass
    # The edge never saw a handshake of it.
    assert "/ocpp/SEC-P3-FOREIGN" not in system.log()
    edge_lines = [line for line in system.log().splitlines() if "component=edge" in line]
    assert [line for line in edge_lines if "SEC-P3-FOREIGN" in line] == []


async def test_forwarded_headers_from_a_client_prove_nothing(
    system: System, tmp_path: Path
) -> None:
    """A client cannot claim TLS or a certificate itself: Envoy overwrites x-forwarded-proto
    and drops x-forwarded-client-cert on the plain listener, and replaces the latter with
    the certificate it verified (none here) on the TLS one."""
    register(system, "SEC-INJECT")
    set_credentials(system, "SEC-INJECT", 3)
    injected = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Client-Cert": 'Hash=00;Subject="CN=SEC-INJECT";URI=;DNS=',
    }
    status, reason, _ = await refusal(f"{system.ocpp_url}/SEC-INJECT", injected)
    assert status == 403 and "connect with wss://" in reason
    status, reason, _ = await refusal(f"{system.ocpp_tls_url}/SEC-INJECT", injected, tls(system))
    assert status == 403 and "present a client certificate" in reason


@pytest.mark.parametrize(
    "path",
    [
        "/csms.auth.v1.AuthService/AuthenticateChargePoint",
        "/csms.chargepoint.v1.ChargePointService/CheckAdmission",
    ],
)
def test_the_handshake_rpcs_are_not_reachable_through_envoy(system: System, path: str) -> None:
    for base in (system.api_gateway, system.gateway):
        reply = httpx.post(
            f"{base}{path}",
            content=b"\x00\x00\x00\x00\x00",
            headers={"content-type": "application/grpc"},
        )
        # No route for the method: a gRPC caller gets gRPC's UNIMPLEMENTED (12).
        assert (reply.status_code, reply.headers.get("grpc-status")) == (200, "12")
