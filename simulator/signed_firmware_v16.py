"""The OCPP 1.6 security extension's secure firmware update (security whitepaper edition
2): SignedUpdateFirmware, answered as a 1.6 station with a manufacturer root would, then
SignedFirmwareStatusNotification with the request's id. Nothing is downloaded; each step
is one ``--interval`` apart."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from ocpp.v16 import call, call_result

from simulator.firmware_v16 import FirmwareHandlers
from simulator.station import on
from simulator.v2.firmware import update_steps


class SignedFirmwareHandlers(FirmwareHandlers):
    @on("SignedUpdateFirmware")
    def on_signed_update_firmware(self, **payload: Any) -> call_result.SignedUpdateFirmware:
        """InvalidCertificate when the signing certificate does not parse; else Accepted,
        then Downloading, Downloaded, SignatureVerified, Installing, Installed (or
        DownloadFailed when the location is not a download URL)."""
        firmware = payload["firmware"]
        try:
            x509.load_pem_x509_certificate(firmware["signing_certificate"].encode())
        except ValueError:
            answer = call_result.SignedUpdateFirmware(status="InvalidCertificate")
            return self.heard("SignedUpdateFirmware", payload, answer, "InvalidCertificate")
        steps = update_steps(firmware["location"], signed=True)
        self.after_answer(
            "signed firmware update",
            self._signed_update(payload["request_id"], steps, firmware["retrieve_date_time"]),
        )
        answer = call_result.SignedUpdateFirmware(status="Accepted")
        return self.heard("SignedUpdateFirmware", payload, answer, "Accepted")

    async def _signed_update(self, request_id: int, steps: tuple[str, ...], retrieve: str) -> None:
        start = datetime.fromisoformat(retrieve.replace("Z", "+00:00"))
        await asyncio.sleep(max(0.0, (start - datetime.now(UTC)).total_seconds()))
        # The plain FirmwareStatus the station reports when triggered stays as it was: 1.6
        # FirmwareStatusNotification has no SignatureVerified.
        for step in steps:
            request = call.SignedFirmwareStatusNotification(status=step, request_id=request_id)
            await self.uplink.send(request, step, lambda _: "ok")
            await asyncio.sleep(self.interval)
