"""The messages a station shows its drivers (OCPP 2.0.1 O01-O06): what the CSMS set and the
station accepted (O01), less what it cleared (O05), as the station reported them (O04).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chargepoint_svc.errors import InvalidReport

# OCPP 2.0.1 MessageContentType.content, .language; TransactionType.transactionId;
# ComponentType.name and .instance.
CONTENT_MAX_LENGTH = 512
LANGUAGE_MAX_LENGTH = 8
TRANSACTION_ID_MAX_LENGTH = 36
COMPONENT_MAX_LENGTH = 50
# Messages kept per station (ADR 0013): far above what a display cycles through; a report of
# further new ids is not kept beyond it.
MESSAGES_PER_STATION = 256


@dataclass(frozen=True)
class DisplayMessage:
    """One message by its station-wide ``id``. Enumerations as their protobuf names
    (``priority`` "ALWAYS_FRONT", "IN_FRONT", "NORMAL_CYCLE"; ``state`` "" for any state;
    ``format`` "UTF8", ...)."""

    id: int
    priority: str
    content: str
    format: str = "UTF8"
    language: str = ""
    state: str = ""
    start_time: datetime | None = None
    end_time: datetime | None = None
    transaction_id: str = ""
    display_component: str = ""
    display_component_instance: str = ""

    def checked(self) -> DisplayMessage:
        """The message when OCPP 2.0.1 allows it (O01.FR.xx fields), else InvalidReport
        naming the field."""
        if self.id < 0:
            raise InvalidReport(f"message.id must be 0 or more, got {self.id}")
        if not self.priority:
            raise InvalidReport(
                "message.priority is required: ALWAYS_FRONT, IN_FRONT or NORMAL_CYCLE"
            )
        if not self.content:
            raise InvalidReport("message.message.content is required: the text to show")
        limits = {
            "message.message.content": (self.content, CONTENT_MAX_LENGTH),
            "message.message.language": (self.language, LANGUAGE_MAX_LENGTH),
            "message.transaction_id": (self.transaction_id, TRANSACTION_ID_MAX_LENGTH),
            "message.display_component": (self.display_component, COMPONENT_MAX_LENGTH),
            "message.display_component_instance": (
                self.display_component_instance,
                COMPONENT_MAX_LENGTH,
            ),
        }
        for name, (value, limit) in limits.items():
            if len(value) > limit:
                raise InvalidReport(
                    f"{name} is {len(value)} characters long; OCPP 2.0.1 allows at most {limit}"
                )
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise InvalidReport("message.end_time must be after message.start_time")
        return self
