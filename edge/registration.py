"""What a station not (yet) Accepted may send on its connection: the registration state
the session learnt from its last BootNotification answer, and the messages the CSMS asked
it for since. Pure and socket-free; one per session, made on the first answer that is not
Accepted (a station Accepted, or one that has not booted on this connection, needs none).

The rules (the same words in every version):

- OCPP 2.0.1 B02.FR.09 (Pending) and B03.FR.07 (Rejected): the CSMS answers a CALL other
  than BootNotification with CALLERROR ``SecurityError``, except, while Pending, a message
  the CSMS itself asked for: B02.FR.02 lets the station send what a TriggerMessage (F06)
  requested, and the CSMS's own requests while Pending (B07 GetBaseReport, B08 GetReport,
  N01 GetLog, L01 UpdateFirmware) are answered in messages of their own (NotifyReport,
  LogStatusNotification, FirmwareStatusNotification).
- OCPP 1.6 §4.2 (Pending: "the Charge Point SHALL NOT send request messages to the
  Central System unless it has been instructed by the Central System to do so with a
  TriggerMessage.req"; Rejected: no messages until it is accepted), answered with OCPP-J
  1.6 §4.2.3's ``SecurityError``.

The rules cover only a station that "has received a BootNotificationResponse" other than
Accepted (B02.FR.09's words) on this connection: one that reconnected without booting
(OCPP-J 2.0.1 Part 4 §5.4 tells it not to boot again) is answered as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

ACCEPTED, PENDING, REJECTED = "Accepted", "Pending", "Rejected"
BOOT_NOTIFICATION = "BootNotification"
TRIGGERS = frozenset({"TriggerMessage", "ExtendedTriggerMessage"})

# A CSMS request accepted while Pending -> the messages the station then sends about it.
_FOLLOWING: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "GetBaseReport": frozenset({"NotifyReport"}),
        "GetReport": frozenset({"NotifyReport"}),
        "GetMonitoringReport": frozenset({"NotifyMonitoringReport"}),
        "GetLog": frozenset({"LogStatusNotification"}),
        "GetDiagnostics": frozenset({"DiagnosticsStatusNotification"}),
        "UpdateFirmware": frozenset({"FirmwareStatusNotification"}),
        "SignedUpdateFirmware": frozenset({"SignedFirmwareStatusNotification"}),
        "CustomerInformation": frozenset({"NotifyCustomerInformation"}),
        "GetChargingProfiles": frozenset({"ReportChargingProfiles"}),
    }
)

# A triggered message (requestedMessage, F06 MessageTriggerEnumType, 1.6 MessageTrigger,
# the security extension's MessageTriggerEnumType) -> the action the station sends.
_TRIGGERED: Mapping[str, str] = MappingProxyType(
    {
        "SignChargingStationCertificate": "SignCertificate",
        "SignV2GCertificate": "SignCertificate",
        "SignCombinedCertificate": "SignCertificate",
        "SignChargePointCertificate": "SignCertificate",
        "PublishFirmwareStatusNotification": "PublishFirmwareStatusNotification",
    }
)


class Registration:
    """A station's registration on this connection, once a boot answer was not Accepted."""

    __slots__ = ("_asked", "status")

    def __init__(self, status: str) -> None:
        self.status = status
        # What the CSMS asked for since the last boot answer (kept while Pending only).
        self._asked: set[str] = set()

    def booted(self, status: str) -> None:
        """The CSMS answered a BootNotification ``status``: what it asked for before is
        no longer asked."""
        self.status = status
        self._asked.clear()

    def asked(self, action: str, payload: Mapping[str, Any]) -> None:
        """The CSMS sends ``action`` with ``payload`` (camelCase): what that call asks the
        station to send is allowed from now on. Allowed when it is sent, not when the
        station agrees: a station sends the message right after its answer, while the
        answer is still on its way to the caller; one that refuses sends nothing."""
        if self.status != PENDING:
            return
        if action in TRIGGERS:
            requested = str(payload.get("requestedMessage", ""))
            self._asked.add(_TRIGGERED.get(requested, requested))
        self._asked.update(_FOLLOWING.get(action, ()))

    def refusal(self, action: str) -> str | None:
        """Why ``action`` may not be sent now (the CALLERROR's description); None when
        it may."""
        if action == BOOT_NOTIFICATION or self.status == ACCEPTED:
            return None
        if self.status == PENDING:
            if action in self._asked:
                return None
            return (
                f"{action} refused: the CSMS answered this station's BootNotification "
                "Pending, so it may send only BootNotification and what the CSMS asked it for "
                "(OCPP 2.0.1 B02.FR.09, OCPP 1.6 §4.2); boot again after the interval"
            )
        return (
            f"{action} refused: the CSMS rejected this station's BootNotification, so it may "
            "send only BootNotification, after the interval (OCPP 2.0.1 B03.FR.07, OCPP 1.6 "
            "§4.2)"
        )
