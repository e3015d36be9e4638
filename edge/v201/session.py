"""The session of an OCPP 2.0.1 charging station: one small handler per action it sends.

Each handler translates the payload (``edge.v201.translate``), makes one gRPC call, and
translates the reply back. Actions whose answer is empty and promises nothing are
answered without a call; the others the CSMS cannot honour yet are answered
NotImplemented by :class:`~edge.session.Session` (see ``edge.v201`` for the list).
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from ocpp.exceptions import OCPPError
from ocpp.v201 import call, call_result, datatypes
from ocpp.v201.enums import Action

from csms.transaction.v1 import transaction_pb2
from edge import certificate_signing
from edge.handler_table import on, verbatim
from edge.operations.errors import OperationError
from edge.services import AUTH, CHARGEPOINT, TRANSACTION
from edge.session import Session
from edge.v201 import (
    certificates,
    display_messages,
    firmware,
    monitor_reports,
    plug_and_charge,
    smart_charging,
    translate,
)
from edge.v201.reservation_status import reservation_status_request
from edge.v201.schemas import SCHEMAS
from edge.v201.translate import Vocabulary

LOG = logging.getLogger(__name__)

# The id of the TxProfile offered to an EV's needs (K15) is this plus the EVSE id: a new
# offer on an EVSE replaces the last one (K01.FR.05), never a profile an operator set.
EV_OFFER_PROFILE_ID = 900_000_000


class SessionV201(Session):
    known_actions: ClassVar[frozenset[str]] = frozenset(action.value for action in Action)
    schemas = SCHEMAS
    words: ClassVar[Vocabulary] = Vocabulary(call, call_result, datatypes)
    # The library builds answers to CSMS-initiated calls from this module.
    call_results = call_result

    async def _follow_up(self, payload: Any) -> Any:
        """Send a CSMS call that follows an answer; the station's answer, or None. The
        station's refusal or silence is logged: its next boot or report brings the same
        decision again."""
        action = type(payload).__name__
        try:
            answer = await self.request(payload, self.response_timeout)
        except OperationError as error:
            LOG.warning("charge_point=%s action=%s follow-up failed: %s", self.id, action, error)
            return None
        LOG.info(
            "charge_point=%s action=%s answered %s", self.id, action, getattr(answer, "status", "")
        )
        return answer

    async def _request_base_report(self) -> None:
        await self._follow_up(translate.base_report_call(next(self.request_ids), self.words))

    async def _trigger_boot(self) -> None:
        await self._follow_up(translate.boot_trigger_call(self.words))

    @on(Action.boot_notification)
    async def on_boot_notification(self, **payload: Any) -> Any:
        request = translate.boot_request(self.id, self.version.name, payload)
        reply = await self.invoke(CHARGEPOINT, self.services.chargepoint.RecordBoot, request)
        if reply.request_base_report:
            self.after_answer(self._request_base_report)
        return translate.boot_result(reply, self.words)

    @on(Action.heartbeat)
    async def on_heartbeat(self, **_payload: Any) -> Any:
        request = translate.heartbeat_request(self.id)
        reply = await self.invoke(CHARGEPOINT, self.services.chargepoint.RecordHeartbeat, request)
        return translate.heartbeat_result(reply, self.words)

    @on(Action.notify_report)
    async def on_notify_report(self, **payload: Any) -> Any:
        request = translate.report_request(self.id, payload)
        reply = await self.invoke(CHARGEPOINT, self.services.chargepoint.RecordReport, request)
        if reply.admit_now:
            self.after_answer(self._trigger_boot)
        return self.words.call_result.NotifyReport()

    @on(Action.status_notification)
    async def on_status_notification(self, **payload: Any) -> Any:
        request = translate.status_request(self.id, payload)
        await self.invoke(CHARGEPOINT, self.services.chargepoint.RecordConnectorStatus, request)
        return self.words.call_result.StatusNotification()

    @on(Action.authorize)
    async def on_authorize(self, **payload: Any) -> Any:
        request = translate.authorize_request(self.id, payload)
        reply = await self.invoke(AUTH, self.services.auth.Authorize, request)
        return translate.authorize_result(reply, self.words)

    @on(Action.transaction_event)
    async def on_transaction_event(self, **payload: Any) -> Any:
        request = translate.transaction_event_request(self.id, self.version.name, payload)
        reply = await self.invoke(
            TRANSACTION, self.services.transaction.RecordTransactionEvent, request
        )
        return translate.transaction_event_result(reply, self.words)

    @on(Action.meter_values)
    async def on_meter_values(self, **payload: Any) -> Any:
        request = translate.meter_values_request(self.id, payload)
        await self.invoke(TRANSACTION, self.services.transaction.RecordMeterValues, request)
        return self.words.call_result.MeterValues()

    @on(Action.security_event_notification)
    async def on_security_event_notification(self, **payload: Any) -> Any:
        request = translate.security_event_request(self.id, payload)
        await self.invoke(CHARGEPOINT, self.services.chargepoint.RecordSecurityEvent, request)
        return self.words.call_result.SecurityEventNotification()

    @on(Action.sign_certificate)
    async def on_sign_certificate(self, **payload: Any) -> Any:
        """A02/A03: Accepted once the CSMS CA has signed; the chain follows in
        CertificateSigned."""
        reply = await certificate_signing.sign(
            self, certificates.sign_certificate_request(self.id, payload)
        )
        if reply.status == reply.SIGNED:
            signed = certificates.certificate_signed_call(reply, payload, self.words)
            self.after_answer(lambda: certificate_signing.deliver(self, signed))
        return certificates.sign_certificate_result(reply, self.words)

    @on(Action.notify_event)
    async def on_notify_event(self, **payload: Any) -> Any:
        request = translate.events_request(self.id, payload)
        await self.invoke(CHARGEPOINT, self.services.chargepoint.RecordEvents, request)
        return self.words.call_result.NotifyEvent()

    @on(Action.log_status_notification)
    async def on_log_status_notification(self, **payload: Any) -> Any:
        request = translate.log_status_request(self.id, payload)
        await self.invoke(CHARGEPOINT, self.services.chargepoint.RecordDiagnosticsStatus, request)
        return self.words.call_result.LogStatusNotification()

    @on(Action.firmware_status_notification)
    async def on_firmware_status_notification(self, **payload: Any) -> Any:
        request = translate.firmware_status_request(self.id, payload)
        await self.invoke(CHARGEPOINT, self.services.chargepoint.RecordFirmwareStatus, request)
        return self.words.call_result.FirmwareStatusNotification()

    @on(Action.notify_monitoring_report)
    async def on_notify_monitoring_report(self, **payload: Any) -> Any:
        request = monitor_reports.monitoring_report_request(self.id, payload)
        await self.invoke(CHARGEPOINT, self.services.chargepoint.RecordMonitoringReport, request)
        return self.words.call_result.NotifyMonitoringReport()

    @on(Action.publish_firmware_status_notification)
    async def on_publish_firmware_status_notification(self, **payload: Any) -> Any:
        request = firmware.publish_status_request(self.id, payload)
        await self.invoke(
            CHARGEPOINT, self.services.chargepoint.RecordPublishFirmwareStatus, request
        )
        return self.words.call_result.PublishFirmwareStatusNotification()

    @on(Action.data_transfer)
    @verbatim
    async def on_data_transfer(self, **payload: Any) -> Any:
        request = translate.data_transfer_request(self.id, payload)
        reply = await self.invoke(
            CHARGEPOINT, self.services.chargepoint.RecordDataTransfer, request
        )
        return translate.data_transfer_result(reply, self.words)

    @on(Action.notify_customer_information)
    async def on_notify_customer_information(self, **payload: Any) -> Any:
        request = display_messages.customer_information_request(self.id, payload)
        await self.invoke(CHARGEPOINT, self.services.chargepoint.RecordCustomerInformation, request)
        return self.words.call_result.NotifyCustomerInformation()

    @on(Action.notify_display_messages)
    async def on_notify_display_messages(self, **payload: Any) -> Any:
        request = display_messages.display_messages_request(self.id, payload)
        await self.invoke(CHARGEPOINT, self.services.chargepoint.RecordDisplayMessages, request)
        return self.words.call_result.NotifyDisplayMessages()

    # Issue 13: smart charging (OCPP 2.0.1 K).

    @on(Action.report_charging_profiles)
    async def on_report_charging_profiles(self, **payload: Any) -> Any:
        request = smart_charging.profiles_request(self.id, payload)
        await self.invoke(CHARGEPOINT, self.services.chargepoint.RecordChargingProfiles, request)
        return self.words.call_result.ReportChargingProfiles()

    @on(Action.reservation_status_update)
    async def on_reservation_status_update(self, **payload: Any) -> Any:
        """H04: the station ended a reservation (Expired, Removed); transaction_svc records
        it. The answer is empty whether or not it changed a stored reservation."""
        request = reservation_status_request(self.id, payload)
        await self.invoke(TRANSACTION, self.services.transaction.RecordReservationStatus, request)
        return self.words.call_result.ReservationStatusUpdate()

    @on(Action.notify_charging_limit)
    async def on_notify_charging_limit(self, **payload: Any) -> Any:
        request = smart_charging.limit_request(self.id, payload)
        await self.invoke(CHARGEPOINT, self.services.chargepoint.RecordChargingLimit, request)
        return self.words.call_result.NotifyChargingLimit()

    @on(Action.cleared_charging_limit)
    async def on_cleared_charging_limit(self, **payload: Any) -> Any:
        request = smart_charging.cleared_limit_request(self.id, payload)
        await self.invoke(
            CHARGEPOINT, self.services.chargepoint.RecordClearedChargingLimit, request
        )
        return self.words.call_result.ClearedChargingLimit()

    @on(Action.notify_ev_charging_needs)
    async def on_notify_ev_charging_needs(self, **payload: Any) -> Any:
        """K15: the needs are kept; Accepted, then the TxProfile of the schedule the
        service computed for the transaction active on the EV's EVSE. Without one there is
        no transaction to give a TxProfile (K01.FR.03): Rejected."""
        request = smart_charging.needs_request(self.id, payload)
        reply = await self.invoke(
            CHARGEPOINT, self.services.chargepoint.RecordEVChargingNeeds, request
        )
        evse_id = request.needs.evse_id
        transaction_id = await self._active_transaction(evse_id)
        if not transaction_id:
            LOG.warning(
                "charge_point=%s evse=%d EV needs without an active transaction", self.id, evse_id
            )
            return smart_charging.needs_result(self.words, transaction_found=False)
        profile_id = EV_OFFER_PROFILE_ID + evse_id
        offer = smart_charging.tx_profile_call(
            reply.schedule, evse_id, profile_id, transaction_id, self.words
        )
        held = smart_charging.offer_held_request(self.id, reply.schedule, evse_id, profile_id)
        self.after_answer(lambda: self._offer(offer, held))
        return smart_charging.needs_result(self.words, transaction_found=True)

    async def _offer(self, offer: Any, held: Any) -> None:
        """The TxProfile; accepted, the station holds it, which chargepoint_svc keeps as it
        keeps a reported profile. Failing that is logged: the next report says it again."""
        answer = await self._follow_up(offer)
        if answer is None or answer.status != "Accepted":
            return
        try:
            await self.invoke(CHARGEPOINT, self.services.chargepoint.RecordChargingProfiles, held)
        except OCPPError as error:
            LOG.warning("charge_point=%s the accepted TxProfile is not kept: %s", self.id, error)

    @on(Action.notify_ev_charging_schedule)
    async def on_notify_ev_charging_schedule(self, **payload: Any) -> Any:
        request = smart_charging.ev_schedule_request(self.id, payload)
        reply = await self.invoke(
            CHARGEPOINT, self.services.chargepoint.RecordEVChargingSchedule, request
        )
        return smart_charging.ev_schedule_result(reply, self.words)

    async def _active_transaction(self, evse_id: int) -> str:
        """The station's id of the transaction active on ``evse_id``, as transaction_svc
        knows it; "" when none is."""
        found = await self.invoke(
            TRANSACTION,
            self.services.transaction.ListTransactions,
            transaction_pb2.ListTransactionsRequest(
                charge_point_id=self.id, status=transaction_pb2.Transaction.ACTIVE
            ),
        )
        return next(
            (
                transaction.station_transaction_id
                for transaction in found.transactions
                if transaction.evse_id == evse_id and transaction.station_transaction_id
            ),
            "",
        )

    # Issue 13: ISO 15118 Plug & Charge (auth_svc asks the outside parties).

    @on(Action.get_certificate_status)
    async def on_get_certificate_status(self, **payload: Any) -> Any:
        """M06: the OCSP request the station describes, made by the CSMS for it."""
        request = plug_and_charge.certificate_status_request(self.id, payload)
        reply = await self.invoke(
            AUTH, self.services.contract_certificates.GetCertificateStatus, request
        )
        return plug_and_charge.certificate_status_result(reply, self.words)

    @on(Action.get_15118_ev_certificate)
    async def on_get_15118_ev_certificate(self, **payload: Any) -> Any:
        """M01/M02: the EV's EXI request to the contract certificate service."""
        request = plug_and_charge.ev_certificate_request(self.id, payload)
        reply = await self.invoke(
            AUTH, self.services.contract_certificates.GetEvContractCertificate, request
        )
        return plug_and_charge.ev_certificate_result(reply, self.words)
