"""The 1.6 simulator's secure firmware update (:mod:`simulator.signed_firmware_v16`),
answered by a running ``csms-sim --stay`` against a real WebSocket CSMS."""

from __future__ import annotations

from datetime import UTC, datetime

from ocpp.v16 import call

from tests.simulator.conftest import Simulated
from tests.support.certificates import certificate_pem


def firmware(certificate: str, location: str = "https://example.com/fw.bin") -> dict[str, str]:
    return {
        "location": location,
        "retrieve_date_time": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "signing_certificate": certificate,
        "signature": "c2lnbmF0dXJl",
    }


async def test_a_signed_update_reports_each_step_with_its_request_id(sim: Simulated) -> None:
    answer = await sim.cp.call(
        call.SignedUpdateFirmware(request_id=5, firmware=firmware(certificate_pem()))
    )
    assert answer.status == "Accepted"
    for status in ("Downloading", "Downloaded", "SignatureVerified", "Installing", "Installed"):
        await sim.inbox.expect("SignedFirmwareStatusNotification", status=status, request_id=5)


async def test_an_unreadable_certificate_is_invalid(sim: Simulated) -> None:
    bad = "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n"
    answer = await sim.cp.call(call.SignedUpdateFirmware(request_id=6, firmware=firmware(bad)))
    assert answer.status == "InvalidCertificate"
