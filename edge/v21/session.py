"""The session of an OCPP 2.1 charging station: the 2.0.1 handlers over the 2.1
vocabulary, plus the station-initiated actions 2.1 added that are answered only (their
answer is empty and promises nothing). See ``edge.v21`` for the status of each action."""

from __future__ import annotations

from typing import Any, ClassVar

from ocpp.v21 import call_result
from ocpp.v21.enums import Action

from edge.handler_table import on
from edge.services import AUTH
from edge.v21.schemas import SCHEMAS
from edge.v21.translate import WORDS
from edge.v201 import plug_and_charge
from edge.v201.session import SessionV201
from edge.v201.translate import Vocabulary


class SessionV21(SessionV201):
    known_actions: ClassVar[frozenset[str]] = frozenset(action.value for action in Action)
    schemas = SCHEMAS
    words: ClassVar[Vocabulary] = WORDS
    call_results = call_result

    @on(Action.battery_swap)
    async def on_battery_swap(self, **_payload: Any) -> Any:
        return self.words.call_result.BatterySwap()

    @on(Action.close_periodic_event_stream)
    async def on_close_periodic_event_stream(self, **_payload: Any) -> Any:
        return self.words.call_result.ClosePeriodicEventStream()

    @on(Action.notify_der_alarm)
    async def on_notify_der_alarm(self, **_payload: Any) -> Any:
        return self.words.call_result.NotifyDERAlarm()

    @on(Action.notify_der_start_stop)
    async def on_notify_der_start_stop(self, **_payload: Any) -> Any:
        return self.words.call_result.NotifyDERStartStop()

    @on(Action.notify_priority_charging)
    async def on_notify_priority_charging(self, **_payload: Any) -> Any:
        return self.words.call_result.NotifyPriorityCharging()

    @on(Action.notify_settlement)
    async def on_notify_settlement(self, **_payload: Any) -> Any:
        return self.words.call_result.NotifySettlement()

    @on(Action.report_der_control)
    async def on_report_der_control(self, **_payload: Any) -> Any:
        return self.words.call_result.ReportDERControl()

    # Issue 13: pki.

    @on(Action.get_certificate_chain_status)
    async def on_get_certificate_chain_status(self, **payload: Any) -> Any:
        """OCPP 2.1: each certificate's status from the OCSP responder or CRL the station
        names; auth_svc asks them."""
        request = plug_and_charge.chain_status_request(self.id, payload)
        reply = await self.invoke(
            AUTH, self.services.contract_certificates.GetCertificateChainStatus, request
        )
        return plug_and_charge.chain_status_result(reply, self.words)
