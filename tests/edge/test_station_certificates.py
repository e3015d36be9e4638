"""Station certificates with the real services: the edge, auth_svc (whose CA signs) and
chargepoint_svc (which keeps security events) in this process over SQLite, and raw OCPP-J
stations over real WebSockets. Every CSR and certificate is made here.

- SignCertificate: Accepted, then CertificateSigned whose certificate verifies against the
  CSMS CA and names the station; a CSR for another identity or a malformed one Rejected and
  recorded as a security event, listed with the station's own events.
- InstallCertificate, GetInstalledCertificateIds and DeleteCertificate through EdgeService:
  the CSMS CA installed as the station's CSMS root, listed, then deleted by its hash data.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from google.protobuf import json_format
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from auth_svc import server as auth_server
from chargepoint_svc import server as chargepoint_server
from csms.chargepoint.v1 import chargepoint_pb2, chargepoint_pb2_grpc
from csms.edge.v1 import certificates_pb2
from edge.certificate_signing import REFUSAL_EVENT
from edge.server import RunningEdge
from servicekit.migrations import upgrade
from servicekit.settings import Settings
from tests.support.certificates import (
    common_name,
    csr_pem,
    hash_data,
    verified_chain,
    with_broken_signature,
)
from tests.support.databases import sqlite_url
from tests.support.edges import start_edge
from tests.support.ports import free_port
from tests.support.remote_station import PATIENCE, RemoteStation, edge_stub

BOOT_16 = {"chargePointVendor": "VendorX", "chargePointModel": "ModelY"}
BOOT_2X = {"reason": "PowerUp", "chargingStation": {"vendorName": "VendorX", "model": "ModelY"}}
NOW = "2024-05-01T12:00:00Z"


@dataclass
class Csms:
    settings: Settings
    edge: RunningEdge

    @property
    def ca_pem(self) -> str:
        return self.settings.security.ca_cert.read_text()

    async def security_events(self, charge_point_id: str) -> list[tuple[str, str]]:
        async with grpc.aio.insecure_channel(self.settings.network.chargepoint_address) as channel:
            stub = chargepoint_pb2_grpc.ChargePointServiceStub(channel)
            listed = await stub.ListSecurityEvents(
                chargepoint_pb2.ListSecurityEventsRequest(charge_point_id=charge_point_id),
                timeout=PATIENCE,
            )
        return [(event.type, event.tech_info) for event in listed.security_events]


@pytest.fixture
async def csms(tmp_path: Path) -> AsyncIterator[Csms]:
    env = {
        "CSMS_DATA_DIR": str(tmp_path),
        "CSMS_INTERNAL_HOST": "127.0.0.1",
        "CSMS_AUTH_DATABASE_URL": sqlite_url(tmp_path, "auth"),
        "CSMS_CHARGEPOINT_DATABASE_URL": sqlite_url(tmp_path, "chargepoint"),
        "CSMS_AUTH_GRPC_PORT": str(free_port()),
        "CSMS_CHARGEPOINT_GRPC_PORT": str(free_port()),
        # Nothing these tests send reaches the transaction service.
        "CSMS_TRANSACTION_ADDRESS": f"127.0.0.1:{free_port()}",
        "CSMS_GRPC_TIMEOUT": "5",
    }
    settings = Settings.from_env(env)
    for service in ("auth", "chargepoint"):
        url = getattr(settings.storage, f"{service}_database_url")
        await asyncio.to_thread(upgrade, service, url)
    async with AsyncExitStack() as stack:
        chargepoint = await chargepoint_server.start(
            settings.network, settings.storage, settings.charge_points
        )
        stack.push_async_callback(chargepoint.stop)
        auth = await auth_server.start(settings.network, settings.storage, settings.security)
        stack.push_async_callback(auth.stop)
        edge = await start_edge(settings)
        stack.push_async_callback(edge.stop)
        yield Csms(settings, edge)


@asynccontextmanager
async def station(
    csms: Csms, charge_point_id: str, subprotocol: str
) -> AsyncIterator[RemoteStation]:
    """A raw station, booted."""
    url = f"ws://127.0.0.1:{csms.edge.ws_port}/ocpp/{charge_point_id}"
    async with connect(url, subprotocols=[Subprotocol(subprotocol)]) as connection:
        raw = RemoteStation(connection)
        boot = BOOT_16 if subprotocol == "ocpp1.6" else BOOT_2X
        answer = await raw.call("BootNotification", boot)
        assert answer[0] == 3, answer
        yield raw


async def signed_for(raw: RemoteStation, csr: str) -> str:
    """SignCertificate, Accepted, then the chain of the CertificateSigned that follows."""
    answer = await raw.call("SignCertificate", {"csr": csr})
    assert answer[2]["status"] == "Accepted", answer
    delivered = await raw.next_call()
    assert delivered[2] == "CertificateSigned"
    await raw.answer(delivered, {"status": "Accepted"})
    chain: str = delivered[3]["certificateChain"]
    return chain


@pytest.mark.parametrize("subprotocol", ["ocpp1.6", "ocpp2.0.1"])
async def test_the_csms_ca_signs_a_station_certificate(csms: Csms, subprotocol: str) -> None:
    async with station(csms, "CP-CERT", subprotocol) as raw:
        chain = await signed_for(raw, csr_pem("CP-CERT"))
    leaf = verified_chain(chain, csms.ca_pem)
    assert common_name(leaf) == "CP-CERT"
    assert await csms.security_events("CP-CERT") == []


@pytest.mark.parametrize("subprotocol", ["ocpp1.6", "ocpp2.0.1"])
async def test_refused_requests_are_rejected_and_recorded(csms: Csms, subprotocol: str) -> None:
    async with station(csms, "CP-CERT", subprotocol) as raw:
        refused = {
            "another identity": csr_pem("CP-OTHER"),
            "not a CSR": "-----BEGIN CERTIFICATE REQUEST-----\nnonsense\n",
            "forged": with_broken_signature(csr_pem("CP-CERT")),
        }
        for case, csr in refused.items():
            answer = await raw.call("SignCertificate", {"csr": csr})
            assert answer[0] == 3 and answer[2]["status"] == "Rejected", case
        # Nothing follows a refusal: the next frame answers the station's own call.
        assert (await raw.call("Heartbeat", {}))[0] == 3
        # The station's own event is kept beside the CSMS's.
        event = {"type": "InvalidCsmsCertificate", "timestamp": NOW, "techInfo": "expired"}
        if subprotocol == "ocpp1.6":
            event["type"] = "InvalidCentralSystemCertificate"
        assert (await raw.call("SecurityEventNotification", event))[0] == 3
    events = await csms.security_events("CP-CERT")
    assert [kind for kind, _ in events].count(REFUSAL_EVENT) == 3
    reasons = " / ".join(info for kind, info in events if kind == REFUSAL_EVENT)
    assert "the CSR's subject CN is 'CP-OTHER'" in reasons
    assert "the CSR is not a PEM certificate request" in reasons
    assert "the CSR's signature does not verify" in reasons
    assert (event["type"], "expired") in events


@pytest.mark.parametrize("subprotocol", ["ocpp1.6", "ocpp2.0.1"])
async def test_install_list_and_delete_the_csms_root(csms: Csms, subprotocol: str) -> None:
    """The operator installs the CSMS CA as the station's CSMS root (so it can verify the
    CSMS's TLS certificate), lists it, and deletes it by the hash data the station gave."""
    ca_pem = csms.ca_pem
    held = hash_data(ca_pem)
    csms_root = (
        "CentralSystemRootCertificate" if subprotocol == "ocpp1.6" else "CSMSRootCertificate"
    )
    async with station(csms, "CP-ROOT", subprotocol) as raw, edge_stub(csms.edge) as stub:
        install = asyncio.ensure_future(
            stub.InstallCertificate(
                certificates_pb2.InstallCertificateRequest(
                    charge_point_id="CP-ROOT",
                    certificate_type=certificates_pb2.InstalledCertificate.CSMS_ROOT,
                    certificate=ca_pem,
                ),
                timeout=PATIENCE,
            )
        )
        frame = await raw.next_call()
        assert frame[2:] == [
            "InstallCertificate",
            {"certificateType": csms_root, "certificate": ca_pem},
        ]
        await raw.answer(frame, {"status": "Accepted"})
        assert (await install).status == certificates_pb2.InstallCertificateResponse.ACCEPTED

        listing = asyncio.ensure_future(
            stub.GetInstalledCertificateIds(
                certificates_pb2.GetInstalledCertificateIdsRequest(
                    charge_point_id="CP-ROOT",
                    certificate_types=[certificates_pb2.InstalledCertificate.CSMS_ROOT],
                ),
                timeout=PATIENCE,
            )
        )
        frame = await raw.next_call()
        if subprotocol == "ocpp1.6":
            assert frame[3] == {"certificateType": csms_root}
            await raw.answer(frame, {"status": "Accepted", "certificateHashData": [held]})
        else:
            assert frame[3] == {"certificateType": [csms_root]}
            chain = [{"certificateType": csms_root, "certificateHashData": held}]
            await raw.answer(frame, {"status": "Accepted", "certificateHashDataChain": chain})
        listed = json_format.MessageToDict(await listing)
        assert listed == {
            "status": "ACCEPTED",
            "certificates": [{"certificateType": "CSMS_ROOT", "certificateHashData": held}],
        }

        reported = certificates_pb2.CertificateHashData()
        json_format.ParseDict(held, reported)
        delete = asyncio.ensure_future(
            stub.DeleteCertificate(
                certificates_pb2.DeleteCertificateRequest(
                    charge_point_id="CP-ROOT", certificate_hash_data=reported
                ),
                timeout=PATIENCE,
            )
        )
        frame = await raw.next_call()
        assert frame[2:] == ["DeleteCertificate", {"certificateHashData": held}]
        await raw.answer(frame, {"status": "Accepted"})
        assert (await delete).status == certificates_pb2.DeleteCertificateResponse.ACCEPTED
