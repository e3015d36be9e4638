"""The OCPP 2.x simulator's firmware management (:mod:`simulator.v2.firmware`) against a
real WebSocket CSMS, in 2.0.1 and 2.1: signed updates, and publication as a Local
Controller."""

from __future__ import annotations

import pytest

from simulator.session_v21 import OCPP21
from simulator.session_v201 import OCPP201
from simulator.v2.session import Protocol
from tests.simulator.support.central_system import now
from tests.simulator.test_session_v201 import Staying, sim
from tests.support.certificates import certificate_pem

__all__ = ["sim"]

CHECKSUM = "0123456789abcdef0123456789abcdef"


@pytest.fixture(params=[OCPP201, OCPP21], ids=["2.0.1", "2.1"])
def protocol(request: pytest.FixtureRequest) -> Protocol:
    protocol: Protocol = request.param
    return protocol


async def test_a_signed_update_is_verified_before_it_is_installed(sim: Staying) -> None:
    firmware = {
        "location": "https://example.invalid/fw.bin",
        "retrieve_date_time": now(),
        "signing_certificate": certificate_pem(),
        "signature": "c2lnbmF0dXJl",
    }
    answer = await sim.call("UpdateFirmware", request_id=21, firmware=firmware)
    assert answer.status == "Accepted"
    steps = ("Downloading", "Downloaded", "SignatureVerified", "Installing", "Installed")
    for step in steps:
        await sim.inbox.expect("FirmwareStatusNotification", status=step, request_id=21)


async def test_an_unreadable_signing_certificate_is_refused(sim: Staying) -> None:
    firmware = {
        "location": "https://example.invalid/fw.bin",
        "retrieve_date_time": now(),
        "signing_certificate": "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n",
        "signature": "c2lnbmF0dXJl",
    }
    answer = await sim.call("UpdateFirmware", request_id=22, firmware=firmware)
    assert answer.status == "InvalidCertificate"


async def test_a_download_that_cannot_happen_fails(sim: Staying) -> None:
    firmware = {"location": "file:///fw.bin", "retrieve_date_time": now()}
    assert (await sim.call("UpdateFirmware", request_id=23, firmware=firmware)).status == (
        "Accepted"
    )
    await sim.inbox.expect("FirmwareStatusNotification", status="Downloading", request_id=23)
    await sim.inbox.expect("FirmwareStatusNotification", status="DownloadFailed", request_id=23)


async def test_firmware_is_published_then_unpublished(sim: Staying) -> None:
    assert (await sim.call("UnpublishFirmware", checksum=CHECKSUM)).status == "NoFirmware"
    answer = await sim.call(
        "PublishFirmware",
        location="https://example.invalid/fw.bin",
        checksum=CHECKSUM,
        request_id=7,
    )
    assert answer.status == "Accepted"
    for step in ("Downloading", "Downloaded", "ChecksumVerified"):
        await sim.inbox.expect("PublishFirmwareStatusNotification", status=step, request_id=7)
    published = await sim.inbox.expect(
        "PublishFirmwareStatusNotification", status="Published", request_id=7
    )
    assert published["location"] == [
        f"http://SIM-S.local/firmware/{CHECKSUM}.bin",
        f"ftp://SIM-S.local/{CHECKSUM}.bin",
    ]
    assert (await sim.call("UnpublishFirmware", checksum=CHECKSUM)).status == "Unpublished"
    assert (await sim.call("UnpublishFirmware", checksum=CHECKSUM)).status == "NoFirmware"
