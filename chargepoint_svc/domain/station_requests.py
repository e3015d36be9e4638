"""Requests the CSMS sent a station whose outcome the station reports later, under the
requestId the CSMS gave it: a log upload (OCPP 2.0.1 N01 GetLog, 1.6 GetDiagnostics), a
customer information report (N09-N10) and a display message report (O04). Each is kept
with the station's answer and with every report that came back for it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType
from typing import Any

from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.errors import InvalidReport

# The answer kept when the call never got an answer from the station (not connected, no
# answer in time, a CALLERROR): see ``StationRequest.error`` for why.
NOT_SENT = "NotSent"

# OCPP 2.0.1 NotifyCustomerInformationRequest.data is at most 512 characters; 1.6 and 2.x
# status enumerations are at most 32 (UploadLogStatusEnumType "NotSupportedOperation").
DATA_MAX_LENGTH = 512
STATUS_MAX_LENGTH = 32
REQUESTED_BY_MAX_LENGTH = 255
# OCPP 2.0.1 LogParametersType.remoteLocation, CustomerInformationRequest.customerIdentifier.
LOCATION_MAX_LENGTH = 512
CUSTOMER_IDENTIFIER_MAX_LENGTH = 64
# Reports kept per request (ADR 0013: what one station can make the CSMS keep): a log upload
# has a handful of statuses, a customer report a few parts; beyond this a station is
# flooding, and its further reports are not kept.
REPORTS_PER_REQUEST = 256


class RequestKind(enum.StrEnum):
    LOG = "LOG"
    CUSTOMER_INFORMATION = "CUSTOMER_INFORMATION"
    DISPLAY_MESSAGES = "DISPLAY_MESSAGES"


def bounded_text(field_name: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise InvalidReport(f"{field_name} is {len(value)} characters long; at most {limit}")
    return value


@dataclass(frozen=True)
class StationRequest:
    """One request as sent. ``details`` are its parameters as JSON values (what the
    operator asked for), kept as given so a later reader sees the request itself."""

    charge_point_id: ChargePointId
    kind: RequestKind
    request_id: int
    requested_at: datetime
    details: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    requested_by: str = ""
    answer: str = ""
    file_name: str = ""
    error: str = ""

    def answered(self, answer: str, file_name: str = "") -> StationRequest:
        return replace(self, answer=answer, file_name=file_name, error="")

    def not_sent(self, error: str) -> StationRequest:
        return replace(self, answer=NOT_SENT, error=error)


@dataclass(frozen=True)
class RequestReport:
    """One report a station sent about a request: a log upload status (``status``), or one
    part of a multi-part report (``seq_no``, ``data``, ``tbc``: more parts follow)."""

    received_at: datetime
    seq_no: int = 0
    status: str = ""
    data: str = ""
    tbc: bool = False
    generated_at: datetime | None = None


@dataclass(frozen=True)
class AssembledReport:
    """A multi-part report's data in seqNo order, and whether every part arrived."""

    data: str
    parts: int
    complete: bool
    generated_at: datetime | None


def assemble(parts: Sequence[RequestReport]) -> AssembledReport:
    """The parts joined in seqNo order, a repeated seqNo counted once (the latest copy).

    Complete when the last part (tbc false, OCPP 2.0.1 N09.FR.xx: a station sets tbc on all
    parts but the last) arrived and every seqNo from 0 up to it did too."""
    by_seq: dict[int, RequestReport] = {}
    for part in sorted(parts, key=lambda p: p.received_at):
        by_seq[part.seq_no] = part
    ordered = [by_seq[seq] for seq in sorted(by_seq)]
    last = next((part.seq_no for part in ordered if not part.tbc), None)
    complete = last is not None and sorted(by_seq)[: last + 1] == list(range(last + 1))
    stamps = [part.generated_at for part in ordered if part.generated_at is not None]
    return AssembledReport(
        data="".join(part.data for part in ordered),
        parts=len(ordered),
        complete=complete,
        generated_at=max(stamps) if stamps else None,
    )


def next_request_id(highest: int | None) -> int:
    """The requestId after the highest one the station was given (1 for its first)."""
    return 1 if highest is None else highest + 1
