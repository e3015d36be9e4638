"""The session of an OCPP 1.6J charge point: one small handler per action it sends.

Each handler translates the payload (``edge.v16.translate``), makes one gRPC call, and
translates the reply back. Decisions (admission, authorization, transaction ids) come
from the services; nothing is decided here.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ocpp.v16 import call_result
from ocpp.v16.enums import Action

from edge import certificate_signing
from edge.handler_table import on
from edge.services import AUTH, CHARGEPOINT, TRANSACTION
from edge.session import Session
from edge.v16 import certificates, translate
from edge.v16.schemas import SCHEMAS


class SessionV16(Session):
    known_actions: ClassVar[frozenset[str]] = frozenset(action.value for action in Action)
    schemas = SCHEMAS
    # The library builds answers to CSMS-initiated calls from this module.
    call_results = call_result

    @on(Action.boot_notification)
    async def on_boot_notification(self, **payload: Any) -> call_result.BootNotification:
        request = translate.boot_request(self.id, payload)
        reply = await self.invoke(CHARGEPOINT, self.services.chargepoint.RecordBoot, request)
        return translate.boot_result(reply)

    @on(Action.heartbeat)
    async def on_heartbeat(self, **_payload: Any) -> call_result.Heartbeat:
        request = translate.heartbeat_request(self.id)
        reply = await self.invoke(CHARGEPOINT, self.services.chargepoint.RecordHeartbeat, request)
        return translate.heartbeat_result(reply)

    @on(Action.authorize)
    async def on_authorize(self, **payload: Any) -> call_result.Authorize:
        request = translate.authorize_request(self.id, payload)
        reply = await self.invoke(AUTH, self.services.auth.Authorize, request)
        return translate.authorize_result(reply)

    @on(Action.start_transaction)
    async def on_start_transaction(self, **payload: Any) -> call_result.StartTransaction:
        request = translate.start_transaction_request(self.id, payload)
        reply = await self.invoke(TRANSACTION, self.services.transaction.StartTransaction, request)
        return translate.start_transaction_result(reply)

    @on(Action.stop_transaction)
    async def on_stop_transaction(self, **payload: Any) -> call_result.StopTransaction:
        request = translate.stop_transaction_request(self.id, payload)
        reply = await self.invoke(TRANSACTION, self.services.transaction.StopTransaction, request)
        return translate.stop_transaction_result(reply)

    @on(Action.status_notification)
    async def on_status_notification(self, **payload: Any) -> call_result.StatusNotification:
        request = translate.status_request(self.id, payload, self.clock.now())
        await self.invoke(CHARGEPOINT, self.services.chargepoint.RecordConnectorStatus, request)
        return call_result.StatusNotification()

    @on(Action.meter_values)
    async def on_meter_values(self, **payload: Any) -> call_result.MeterValues:
        request = translate.meter_values_request(self.id, payload)
        await self.invoke(TRANSACTION, self.services.transaction.RecordMeterValues, request)
        return call_result.MeterValues()

    @on(Action.data_transfer)
    async def on_data_transfer(self, **payload: Any) -> call_result.DataTransfer:
        request = translate.data_transfer_request(self.id, payload)
        reply = await self.invoke(
            CHARGEPOINT, self.services.chargepoint.RecordDataTransfer, request
        )
        return translate.data_transfer_result(reply)

    @on(Action.diagnostics_status_notification)
    async def on_diagnostics_status_notification(
        self, **payload: Any
    ) -> call_result.DiagnosticsStatusNotification:
        request = translate.diagnostics_status_request(self.id, payload)
        await self.invoke(CHARGEPOINT, self.services.chargepoint.RecordDiagnosticsStatus, request)
        return call_result.DiagnosticsStatusNotification()

    @on(Action.firmware_status_notification)
    async def on_firmware_status_notification(
        self, **payload: Any
    ) -> call_result.FirmwareStatusNotification:
        request = translate.firmware_status_request(self.id, payload)
        await self.invoke(CHARGEPOINT, self.services.chargepoint.RecordFirmwareStatus, request)
        return call_result.FirmwareStatusNotification()

    # OCPP 1.6 security extension (security whitepaper edition 2).

    @on(Action.security_event_notification)
    async def on_security_event_notification(
        self, **payload: Any
    ) -> call_result.SecurityEventNotification:
        request = translate.security_event_request(self.id, payload)
        await self.invoke(CHARGEPOINT, self.services.chargepoint.RecordSecurityEvent, request)
        return call_result.SecurityEventNotification()

    @on(Action.signed_firmware_status_notification)
    async def on_signed_firmware_status_notification(
        self, **payload: Any
    ) -> call_result.SignedFirmwareStatusNotification:
        request = translate.signed_firmware_status_request(self.id, payload)
        await self.invoke(CHARGEPOINT, self.services.chargepoint.RecordFirmwareStatus, request)
        return call_result.SignedFirmwareStatusNotification()

    @on(Action.sign_certificate)
    async def on_sign_certificate(self, **payload: Any) -> call_result.SignCertificate:
        """Accepted once the CSMS CA has signed; the chain follows in CertificateSigned."""
        reply = await certificate_signing.sign(
            self, certificates.sign_certificate_request(self.id, payload)
        )
        if reply.status == reply.SIGNED:
            signed = certificates.certificate_signed_call(reply)
            self.after_answer(lambda: certificate_signing.deliver(self, signed))
        return certificates.sign_certificate_result(reply)
