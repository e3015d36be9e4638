"""What transaction_svc knows of an authorization decision: auth_svc decides (ADR 0004), and
the transaction keeps the answer the station was given. Pure: no I/O, no storage, no
protobuf.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class AuthorizationStatus(enum.Enum):
    """The decision about an identifier (OCPP 1.6 AuthorizationStatus, 2.x
    AuthorizationStatusEnumType); mirrors ``csms.auth.v1.IdTokenInfo.Status``."""

    ACCEPTED = "ACCEPTED"
    BLOCKED = "BLOCKED"
    EXPIRED = "EXPIRED"
    INVALID = "INVALID"
    CONCURRENT_TX = "CONCURRENT_TX"
    NO_CREDIT = "NO_CREDIT"
    NOT_ALLOWED_TYPE_EVSE = "NOT_ALLOWED_TYPE_EVSE"
    NOT_AT_THIS_LOCATION = "NOT_AT_THIS_LOCATION"
    NOT_AT_THIS_TIME = "NOT_AT_THIS_TIME"
    UNKNOWN = "UNKNOWN"


class AuthorizationPurpose(enum.Enum):
    """Why the transaction service asks auth_svc: concurrent use is checked unless stopping."""

    AUTHORIZE = "AUTHORIZE"
    START_TRANSACTION = "START_TRANSACTION"
    STOP_TRANSACTION = "STOP_TRANSACTION"


@dataclass(frozen=True)
class Authorization:
    """auth_svc's answer about an identifier: what the station receives as idTagInfo."""

    status: AuthorizationStatus
    expires_at: datetime | None = None
    parent_id_tag: str | None = None
