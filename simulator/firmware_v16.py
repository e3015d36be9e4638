"""Answers to the OCPP 1.6 FirmwareManagement (§5.9, §5.19) and RemoteTrigger (§5.17)
profiles: each is answered, then followed by the notifications a real station sends."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from ocpp.v16 import call_result
from ocpp.v16.enums import (
    Action,
    DiagnosticsStatus,
    FirmwareStatus,
    MessageTrigger,
    TriggerMessageStatus,
)

from simulator.station import Station, on

Sender = Callable[[], Coroutine[Any, Any, None]]
# Where a real station can download firmware from or upload diagnostics to.
TRANSFER_SCHEMES = frozenset({"ftp", "ftps", "http", "https", "sftp"})


class FirmwareHandlers(Station):
    @on(Action.update_firmware)
    def on_update_firmware(self, **payload: Any) -> call_result.UpdateFirmware:
        """§5.19: from retrieveDate on, Downloading, Downloaded, Installing, Installed, one
        ``--interval`` apart; DownloadFailed when the location is not a download URL."""
        self.after_answer(
            "firmware update", self._update(payload["location"], payload["retrieve_date"])
        )
        return self.heard("UpdateFirmware", payload, call_result.UpdateFirmware(), "ok")

    async def _update(self, location: str, retrieve_date: str) -> None:
        start = datetime.fromisoformat(retrieve_date.replace("Z", "+00:00"))
        await asyncio.sleep(max(0.0, (start - datetime.now(UTC)).total_seconds()))
        await self._firmware(FirmwareStatus.downloading)
        await asyncio.sleep(self.interval)
        if urlsplit(location).scheme not in TRANSFER_SCHEMES:
            await self._firmware(FirmwareStatus.download_failed)
        else:
            for status in (
                FirmwareStatus.downloaded,
                FirmwareStatus.installing,
                FirmwareStatus.installed,
            ):
                await self._firmware(status)
                await asyncio.sleep(self.interval)
        # Nothing is in progress any more: a triggered notification says Idle (§5.17).
        self.state.firmware = FirmwareStatus.idle

    async def _firmware(self, status: FirmwareStatus) -> None:
        self.state.firmware = status
        await self.uplink.firmware_status(status)

    @on(Action.get_diagnostics)
    def on_get_diagnostics(self, **payload: Any) -> call_result.GetDiagnostics:
        """§5.9: the name of the file it will upload, then Uploading and Uploaded (or
        UploadFailed when the location is not an upload URL)."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        file_name = f"diagnostics-{self.id}-{stamp}.log"
        self.after_answer("diagnostics upload", self._upload(payload["location"]))
        answer = call_result.GetDiagnostics(file_name=file_name)
        return self.heard("GetDiagnostics", payload, answer, f"fileName={file_name}")

    async def _upload(self, location: str) -> None:
        self.state.diagnostics = DiagnosticsStatus.uploading
        await self.uplink.diagnostics_status(DiagnosticsStatus.uploading)
        await asyncio.sleep(self.interval)
        done = (
            DiagnosticsStatus.uploaded
            if urlsplit(location).scheme in TRANSFER_SCHEMES
            else DiagnosticsStatus.upload_failed
        )
        self.state.diagnostics = DiagnosticsStatus.idle
        await self.uplink.diagnostics_status(done)

    @on(Action.trigger_message)
    def on_trigger_message(self, **payload: Any) -> call_result.TriggerMessage:
        """§5.17: Accepted, then the requested message; Rejected for a connector this station
        does not have; NotImplemented for a message it cannot send (the 1.6 schema already
        refuses names outside MessageTrigger)."""
        requested, connector_id = payload["requested_message"], payload.get("connector_id")
        senders: dict[str, Sender] = {
            **self.core_senders(connector_id),
            MessageTrigger.diagnostics_status_notification: lambda: self.uplink.diagnostics_status(
                self.state.diagnostics
            ),
            MessageTrigger.firmware_status_notification: lambda: self.uplink.firmware_status(
                self.state.firmware
            ),
        }
        status = self.trigger(senders, requested, connector_id)
        answer = call_result.TriggerMessage(status)
        return self.heard("TriggerMessage", payload, answer, status)

    def core_senders(self, connector_id: int | None) -> dict[str, Sender]:
        """The messages TriggerMessage and ExtendedTriggerMessage both name alike."""
        return {
            MessageTrigger.boot_notification: self._boot,
            MessageTrigger.heartbeat: self.uplink.heartbeat,
            MessageTrigger.status_notification: lambda: self._statuses(connector_id),
            MessageTrigger.meter_values: lambda: self._meter_values(connector_id),
        }

    def trigger(
        self, senders: dict[str, Sender], requested: str, connector_id: int | None
    ) -> TriggerMessageStatus:
        """Accepted, and the message sent once the answer is out; Rejected for a connector
        this station does not have; NotImplemented for a message it cannot send."""
        sender = senders.get(requested)
        if sender is None:
            return TriggerMessageStatus.not_implemented
        if connector_id is not None and connector_id not in self.state.connectors:
            return TriggerMessageStatus.rejected
        self.after_answer(f"triggered {requested}", sender())
        return TriggerMessageStatus.accepted

    async def _boot(self) -> None:
        result = await self.uplink.boot()
        if result.status == "Accepted":
            self.state.configuration.set("HeartbeatInterval", str(result.interval))
            self.charger.heartbeat_changed.set()

    async def _statuses(self, connector_id: int | None) -> None:
        for connector in self.state.connectors.values():
            if connector_id is None or connector.id == connector_id:
                await self.uplink.status(connector.id, connector.status)

    async def _meter_values(self, connector_id: int | None) -> None:
        for connector in self.state.outlets:
            if connector_id in (None, 0, connector.id):
                transaction = self.state.transactions.get(connector.id)
                await self.uplink.meter_value(
                    connector.id,
                    None if transaction is None else transaction.id,
                    connector.register_wh,
                    "Trigger",
                )
