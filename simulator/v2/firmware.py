"""Answers to OCPP 2.x block L (firmware management), the same for 2.0.1 and 2.1: updates,
signed or not (L01, L02), and the publication of firmware by a Local Controller (L03,
L04), which this station plays too. Nothing is really downloaded; each step is one
``--interval`` apart, and a location that is no download URL fails as a download would.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509

from simulator.firmware_v16 import TRANSFER_SCHEMES
from simulator.station import on
from simulator.v2.station import StationV2


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _certificate_parses(pem: str) -> bool:
    try:
        x509.load_pem_x509_certificate(pem.encode())
    except ValueError:
        return False
    return True


def update_steps(location: str, signed: bool) -> tuple[str, ...]:
    """The FirmwareStatusNotification statuses of one update: a signed image is verified
    once downloaded (L01.FR.03: SignatureVerified before installing)."""
    if urlsplit(location).scheme not in TRANSFER_SCHEMES:
        return ("Downloading", "DownloadFailed")
    verified = ("SignatureVerified",) if signed else ()
    return ("Downloading", "Downloaded", *verified, "Installing", "Installed")


def publish_steps(location: str) -> tuple[str, ...]:
    """The PublishFirmwareStatusNotification statuses of one publication (L03.FR.02-08)."""
    if urlsplit(location).scheme not in TRANSFER_SCHEMES:
        return ("Downloading", "DownloadFailed")
    return ("Downloading", "Downloaded", "ChecksumVerified", "Published")


class FirmwareHandlers(StationV2):
    @on("UpdateFirmware")
    def on_update_firmware(self, **payload: Any) -> Any:
        """L01/L02: from retrieveDateTime on, Downloading, Downloaded, (SignatureVerified,)
        Installing, Installed; DownloadFailed when the location is not a download URL.
        InvalidCertificate, and nothing else, when the signing certificate does not parse
        (L01.FR.02)."""
        firmware = payload["firmware"]
        certificate = firmware.get("signing_certificate")
        if certificate is not None and not _certificate_parses(certificate):
            answer = self.results.UpdateFirmware(status="InvalidCertificate")
            return self.heard("UpdateFirmware", payload, answer, "InvalidCertificate")
        steps = update_steps(firmware["location"], signed=certificate is not None)
        self.after_answer(
            "firmware update",
            self._update(payload["request_id"], steps, firmware["retrieve_date_time"]),
        )
        answer = self.results.UpdateFirmware(status="Accepted")
        return self.heard("UpdateFirmware", payload, answer, "Accepted")

    async def _update(self, request_id: int, steps: tuple[str, ...], retrieve: str) -> None:
        await asyncio.sleep(max(0.0, (_instant(retrieve) - datetime.now(UTC)).total_seconds()))
        for step in steps:
            self.state.firmware = step
            await self.uplink.firmware_status(step, request_id)
            await asyncio.sleep(self.interval)
        self.state.firmware = "Idle"

    @on("PublishFirmware")
    def on_publish_firmware(self, **payload: Any) -> Any:
        """L03: Accepted, then Downloading, Downloaded, ChecksumVerified and Published with
        the URIs this Local Controller serves the firmware at (L03.FR.08)."""
        checksum = payload["checksum"]
        self.state.publications.downloading.add(checksum)
        self.after_answer(
            "firmware publication",
            self._publish(payload["request_id"], payload["location"], checksum),
        )
        answer = self.results.PublishFirmware(status="Accepted")
        return self.heard("PublishFirmware", payload, answer, "Accepted")

    async def _publish(self, request_id: int, location: str, checksum: str) -> None:
        steps = publish_steps(location)
        for number, step in enumerate(steps, start=1):
            uris = self._uris(checksum) if step == "Published" else None
            if number == len(steps):
                # The download is over, whichever way it ended, before the CSMS hears so.
                self.state.publications.downloading.discard(checksum)
            if uris is not None:
                self.state.publications.published[checksum] = uris
            request = self.uplink.calls.PublishFirmwareStatusNotification(
                status=step, request_id=request_id, location=uris
            )
            await self.uplink.link.send(request, step, lambda _: "ok")
            await asyncio.sleep(self.interval)

    def _uris(self, checksum: str) -> list[str]:
        name = f"{checksum.lower()}.bin"
        return [f"http://{self.id}.local/firmware/{name}", f"ftp://{self.id}.local/{name}"]

    @on("UnpublishFirmware")
    def on_unpublish_firmware(self, **payload: Any) -> Any:
        """L04: Unpublished when it published that checksum, DownloadOngoing while it is
        still fetching it, NoFirmware otherwise (L04.FR.01-04)."""
        checksum = payload["checksum"]
        if checksum in self.state.publications.downloading:
            status = "DownloadOngoing"
        elif self.state.publications.published.pop(checksum, None) is not None:
            status = "Unpublished"
        else:
            status = "NoFirmware"
        answer = self.results.UnpublishFirmware(status=status)
        return self.heard("UnpublishFirmware", payload, answer, status)
