"""An operator's change of a charge point's registration, and what it means for the
station's live connection. Pure."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from chargepoint_svc.domain.charge_point import ChargePoint, RegistrationStatus


class BootOutcome(enum.StrEnum):
    """What the change did about a connected station (ChangeRegistrationResponse.Boot)."""

    AT_NEXT_BOOT = "AT_NEXT_BOOT"
    TRIGGERED = "TRIGGERED"
    NOT_CONNECTED = "NOT_CONNECTED"
    NOT_TRIGGERED = "NOT_TRIGGERED"


def boot_now(previous: RegistrationStatus, new: RegistrationStatus) -> bool:
    """Whether the station should boot now rather than at its next retry.

    A station learns its registration only from a BootNotification answer (OCPP 1.6 §4.2,
    2.0.1 B01-B03), so an acceptance reaches a Pending or Rejected one at once only if the
    CSMS makes it boot (TriggerMessage BootNotification: 1.6 §5.17, 2.0.1 F06, as the
    2.0.1 B02 flow after a base report does). Pending and Rejected wait for the next boot:
    a triggered boot answered Rejected would stop a station in the middle of its
    transactions, whose records the CSMS still wants; and closing its socket would not
    make it boot either (OCPP-J 2.0.1 Part 4 §5.4: a reconnecting station does not boot).
    """
    return new is RegistrationStatus.ACCEPTED and previous is not RegistrationStatus.ACCEPTED


@dataclass(frozen=True)
class RegistrationChange:
    """The charge point as changed, its status before, and what became of the boot."""

    charge_point: ChargePoint
    previous: RegistrationStatus
    boot: BootOutcome
