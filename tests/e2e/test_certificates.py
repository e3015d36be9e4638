"""Station certificates through the whole system (`csms up`): a raw OCPP-J 1.6 station
through Envoy's OCPP port has its CSR signed by the CSMS CA, and an operator manages its
certificate store over REST (API gateway, port 3000): install the CSMS CA as its CSMS
root, list it, delete it, ask for a renewal, and read the security events."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from tests.support.certificates import common_name, csr_pem, hash_data, verified_chain
from tests.support.system import System

pytestmark = pytest.mark.e2e

STATION = "E2E-CERT-1"
BOOT = {"chargePointVendor": "E2E", "chargePointModel": "Certificates"}
PATIENCE = 20.0


class Station:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.sent = 0

    async def receive(self) -> list[Any]:
        return list(json.loads(await asyncio.wait_for(self.ws.recv(), PATIENCE)))

    async def call(self, action: str, payload: dict[str, Any]) -> list[Any]:
        self.sent += 1
        await self.ws.send(json.dumps([2, f"e2e-{self.sent}", action, payload]))
        return await self.receive()

    async def answer_next(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Answer the CSMS's next CALL, which must be ``action``; return its payload."""
        frame = await self.receive()
        assert frame[0] == 2 and frame[2] == action, frame
        await self.ws.send(json.dumps([3, frame[1], payload]))
        return dict(frame[3])


async def operate(
    system: System, station: Station, request: dict[str, Any], action: str, answer: dict[str, Any]
) -> tuple[dict[str, Any], httpx.Response]:
    """An operator's REST call that makes the CSMS send ``action`` to the station, which
    answers ``answer``: (the CALL's payload, the REST response)."""
    url = f"{system.api_gateway}/api/v1/charge-points/{STATION}/{request.pop('path')}"
    async with httpx.AsyncClient(timeout=PATIENCE) as client:
        pending = asyncio.ensure_future(client.request(url=url, **request))
        payload = await station.answer_next(action, answer)
        return payload, await pending


async def test_signing_and_the_certificate_store_through_envoy(system: System) -> None:
    ca_pem = (Path(system.env["CSMS_DATA_DIR"]) / "pki" / "ca.pem").read_text()
    held = hash_data(ca_pem)
    url = f"{system.ocpp_url}/{STATION}"
    async with connect(url, subprotocols=[Subprotocol("ocpp1.6")]) as ws:
        station = Station(ws)
        assert (await station.call("BootNotification", BOOT))[2]["status"] == "Accepted"

        # SignCertificate: Accepted, then the chain signed by the CSMS CA.
        assert (await station.call("SignCertificate", {"csr": csr_pem(STATION)}))[2] == {
            "status": "Accepted"
        }
        delivered = await station.answer_next("CertificateSigned", {"status": "Accepted"})
        leaf = verified_chain(delivered["certificateChain"], ca_pem)
        assert common_name(leaf) == STATION
        refused = await station.call("SignCertificate", {"csr": csr_pem("SOMEONE-ELSE")})
        assert refused[2] == {"status": "Rejected"}

        sent, reply = await operate(
            system,
            station,
            {
                "path": "certificates",
                "method": "POST",
                "json": {"certificateType": "CSMS_ROOT", "certificate": ca_pem},
            },
            "InstallCertificate",
            {"status": "Accepted"},
        )
        assert sent == {"certificateType": "CentralSystemRootCertificate", "certificate": ca_pem}
        assert (reply.status_code, reply.json()) == (200, {"status": "ACCEPTED"})

        sent, reply = await operate(
            system,
            station,
            {"path": "certificates", "method": "GET", "params": {"certificateTypes": "CSMS_ROOT"}},
            "GetInstalledCertificateIds",
            {"status": "Accepted", "certificateHashData": [held]},
        )
        assert sent == {"certificateType": "CentralSystemRootCertificate"}
        # Envoy writes empty repeated fields too.
        assert reply.json() == {
            "status": "ACCEPTED",
            "certificates": [
                {
                    "certificateType": "CSMS_ROOT",
                    "certificateHashData": held,
                    "childCertificateHashData": [],
                }
            ],
        }

        sent, reply = await operate(
            system,
            station,
            {
                "path": f"certificates/{held['serialNumber']}",
                "method": "DELETE",
                "params": {
                    f"certificateHashData.{name}": held[name]
                    for name in ("hashAlgorithm", "issuerNameHash", "issuerKeyHash")
                },
            },
            "DeleteCertificate",
            {"status": "Accepted"},
        )
        assert sent == {"certificateHashData": held}
        assert reply.json() == {"status": "ACCEPTED"}

        sent, reply = await operate(
            system,
            station,
            {
                "path": "trigger",
                "method": "POST",
                "json": {"requestedMessage": "SIGN_CHARGE_POINT_CERTIFICATE"},
            },
            "ExtendedTriggerMessage",
            {"status": "Accepted"},
        )
        assert sent == {"requestedMessage": "SignChargePointCertificate"}
        assert reply.json() == {"status": "ACCEPTED"}

        # A request the CA cannot take is refused before anything reaches the station.
        async with httpx.AsyncClient(timeout=PATIENCE) as client:
            wrong = await client.post(
                f"{system.api_gateway}/api/v1/charge-points/{STATION}/certificates",
                json={"certificateType": "CSMS_ROOT", "certificate": "not a certificate"},
            )
            assert wrong.status_code == 400
            assert "certificate must be a PEM X.509 certificate" in wrong.json()["message"]
            events = await client.get(
                f"{system.api_gateway}/api/v1/charge-points/{STATION}/security-events"
            )
        (event,) = events.json()["securityEvents"]
        assert event["type"] == "CertificateSigningRequestRejected"
        assert "'SOMEONE-ELSE'" in event["techInfo"]
        assert (await station.call("Heartbeat", {}))[0] == 3
