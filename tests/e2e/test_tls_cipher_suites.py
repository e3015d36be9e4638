"""The TLS OCPP listener speaks every cipher suite OCPP 2.0.1 Part 2 A00.FR.318 requires,
at TLS 1.2, and TLS 1.3: real handshakes from Python ``ssl`` clients restricted to one
suite each, each followed by a WebSocket OCPP 2.0.1 BootNotification through Envoy to
the edge. The certificates are the ones ``csms up`` issues from the CSMS CA in the test's
own data dir."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from tests.e2e.test_security import csms_ca, register, set_credentials, station_certificate
from tests.support.system import System, running_system

pytestmark = pytest.mark.e2e

BOOT = {
    "reason": "PowerUp",
    "chargingStation": {"model": "Suites", "vendorName": "E2E"},
}


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    with running_system(tmp_path_factory.mktemp("csms")) as running:
        yield running


def _context(system: System, suite: str | None) -> ssl.SSLContext:
    """A station that trusts the CSMS CA and offers TLS 1.2 with only ``suite``, or
    only TLS 1.3 when ``suite`` is None."""
    context = ssl.create_default_context(
        cafile=str(Path(system.env["CSMS_DATA_DIR"]) / "pki" / "ca.pem")
    )
    if suite is None:
        context.minimum_version = ssl.TLSVersion.TLSv1_3
    else:
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        context.set_ciphers(suite)
    return context


async def _boot(system: System, cp_id: str, context: ssl.SSLContext) -> tuple[str, str, object]:
    """BootNotification over wss://; the negotiated (version, suite) and the server's key."""
    async with connect(
        f"{system.ocpp_tls_url}/{cp_id}",
        subprotocols=[Subprotocol("ocpp2.0.1")],
        ssl=context,
        open_timeout=10,
    ) as ws:
        tls = ws.transport.get_extra_info("ssl_object")
        assert isinstance(tls, ssl.SSLObject)
        cipher = tls.cipher()
        assert cipher is not None
        version, suite = str(tls.version()), cipher[0]
        der = tls.getpeercert(binary_form=True)
        assert der is not None
        server_key = x509.load_der_x509_certificate(der).public_key()
        await ws.send(json.dumps([2, "boot-1", "BootNotification", BOOT]))
        reply = json.loads(await ws.recv())
    assert reply[0] == 3 and reply[1] == "boot-1", reply
    assert reply[2]["status"] == "Accepted", reply
    return version, suite, server_key


@pytest.mark.parametrize(
    ("suite", "key_kind"),
    [
        # TLS_RSA_WITH_AES_128_GCM_SHA256 / _256_GCM_SHA384: the RSA certificate.
        ("AES128-GCM-SHA256", rsa.RSAPublicKey),
        ("AES256-GCM-SHA384", rsa.RSAPublicKey),
        # TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 / _256_GCM_SHA384: the ECDSA one.
        ("ECDHE-ECDSA-AES128-GCM-SHA256", ec.EllipticCurvePublicKey),
        ("ECDHE-ECDSA-AES256-GCM-SHA384", ec.EllipticCurvePublicKey),
    ],
)
async def test_each_required_tls12_suite_boots_a_station(
    system: System, suite: str, key_kind: type
) -> None:
    version, negotiated, server_key = await _boot(system, f"SUITE-{suite}", _context(system, suite))
    assert (version, negotiated) == ("TLSv1.2", suite)
    assert isinstance(server_key, key_kind)


async def test_tls13_boots_a_station(system: System) -> None:
    version, _, _ = await _boot(system, "SUITE-TLS13", _context(system, None))
    assert version == "TLSv1.3"


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1_1 is deprecated")
async def test_tls11_is_refused(system: System) -> None:
    """A00.FR.313: never below TLS 1.2."""
    context = _context(system, "AES128-GCM-SHA256")
    context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    context.maximum_version = ssl.TLSVersion.TLSv1_1
    context.set_ciphers("ALL:@SECLEVEL=0")
    with pytest.raises(ssl.SSLError):
        await _boot(system, "SUITE-TLS11", context)


@pytest.mark.parametrize("suite", ["AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384"])
async def test_profile_3_client_certificates_work_with_either_server_certificate(
    system: System, tmp_path: Path, suite: str
) -> None:
    cp_id = f"SUITE-P3-{suite}"
    register(system, cp_id)
    set_credentials(system, cp_id, 3)
    context = _context(system, suite)
    client = station_certificate(csms_ca(system), cp_id, tmp_path)
    context.load_cert_chain(client.certificate, client.key)
    version, negotiated, _ = await _boot(system, cp_id, context)
    assert (version, negotiated) == ("TLSv1.2", suite)
