"""Identifiers and the rules that turn a stored identifier into an authorization decision.

Pure: no I/O, no SQLAlchemy, no protobuf. The vocabulary is OCPP's: an identifier is a
1.6 ``idTag`` (CiString20Type) or a 2.x ``IdTokenType.idToken`` (CiString36Type), and a
decision is an ``IdTagInfo`` / ``IdTokenInfoType`` carrying an ``AuthorizationStatus``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime

from auth_svc.errors import InvalidRequest
from servicekit.ocpp_vocabulary import DEFAULT_ID_TOKEN_TYPE, id_token_type_problem

# OCPP 2.0.1 IdTokenType.idToken is CiString36Type; 1.6 idTag (CiString20Type) fits inside.
MAX_ID_TAG_LENGTH = 36


class AuthorizationStatus(enum.Enum):
    """OCPP 1.6 §7.2 AuthorizationStatus, widened to 2.x AuthorizationStatusEnumType.

    The last five exist only in 2.x; this service never decides them, but the names are
    shared with the API so that a caller sending one gets a precise refusal.
    """

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


# What an operator may store. CONCURRENT_TX describes the moment, not the identifier, and
# the 2.x-only decisions need data (credit, location, EVSE type) this service does not hold.
STORABLE_STATUSES = (
    AuthorizationStatus.ACCEPTED,
    AuthorizationStatus.BLOCKED,
    AuthorizationStatus.EXPIRED,
    AuthorizationStatus.INVALID,
)


class Purpose(enum.Enum):
    """Why a station presents the identifier; decides whether concurrent use is checked."""

    AUTHORIZE = "AUTHORIZE"
    START_TRANSACTION = "START_TRANSACTION"
    STOP_TRANSACTION = "STOP_TRANSACTION"


@dataclass(frozen=True)
class IdTagFields:
    """What an operator sets on an identifier, on creation and on replacement."""

    id_tag: str
    status: AuthorizationStatus
    expires_at: datetime | None
    parent_id_tag: str | None
    # The OCPP 2.x IdTokenEnumType (e.g. "ISO14443", "eMAID"); None: ISO14443 when
    # created, the stored type when replaced.
    id_token_type: str | None = None


@dataclass(frozen=True)
class IdTag:
    """A stored identifier. ``id_token_type`` is the 2.x type stations read it as (sent in
    local lists, reservations and remote starts); ISO14443 (an RFID card's UID, the usual
    1.6 id tag) for every identifier stored without one."""

    id_tag: str
    status: AuthorizationStatus
    expires_at: datetime | None
    parent_id_tag: str | None
    created_at: datetime
    updated_at: datetime
    id_token_type: str = DEFAULT_ID_TOKEN_TYPE


@dataclass(frozen=True)
class IdTokenInfo:
    """The decision for one presentation of an identifier (1.6 IdTagInfo, 2.x IdTokenInfoType)."""

    status: AuthorizationStatus
    expires_at: datetime | None = None
    parent_id_tag: str | None = None


@dataclass(frozen=True)
class IdTagPage:
    """One page of identifiers in id_tag order; ``last`` is set when more may follow."""

    id_tags: tuple[IdTag, ...]
    last: str | None


def standing(tag: IdTag | None, now: datetime) -> AuthorizationStatus:
    """The identifier's status before concurrent use is considered.

    OCPP 1.6 §4.1 Authorize: an identifier the Central System does not know is Invalid.
    A stored expiry at or before ``now`` makes an otherwise usable identifier Expired;
    Blocked wins over expiry because the operator's block is the stronger statement.
    """
    if tag is None:
        return AuthorizationStatus.INVALID
    if tag.status is AuthorizationStatus.BLOCKED:
        return AuthorizationStatus.BLOCKED
    if tag.status is AuthorizationStatus.EXPIRED or (
        tag.expires_at is not None and tag.expires_at <= now
    ):
        return AuthorizationStatus.EXPIRED
    return tag.status


def checks_concurrency(tag: IdTag | None, now: datetime, purpose: Purpose) -> bool:
    """Whether the decision depends on the identifier's open transactions.

    Only an identifier that is otherwise Accepted, presented to authorize or to start a
    transaction, is checked: a stop must always be accepted for a running transaction, and
    a blocked or unknown identifier must not depend on transaction_svc answering.
    """
    return purpose is not Purpose.STOP_TRANSACTION and (
        standing(tag, now) is AuthorizationStatus.ACCEPTED
    )


def presented_as(tag: IdTag | None, id_token_type: str | None) -> IdTag | None:
    """The stored identifier a station's presentation names, or None.

    OCPP 2.x identifies a token by its value and its type together (2.0.1 Part 2
    IdTokenType: the type says how ``idToken`` is to be read; an ISO14443 UID and an eMAID
    with the same characters are different tokens). A presentation of another type than
    the stored one is therefore of an unknown token. 1.6 presents no type (None or empty):
    the value alone names the identifier.
    """
    if tag is None or not id_token_type or id_token_type == tag.id_token_type:
        return tag
    return None


def decide(
    tag: IdTag | None, now: datetime, purpose: Purpose, active_transactions: int
) -> IdTokenInfo:
    """The decision for ``tag`` presented for ``purpose`` at ``now``.

    ``active_transactions`` is how many transactions the identifier already has open; it
    is only read when :func:`checks_concurrency` holds. This CSMS allows no concurrent
    transactions per identifier, so one open transaction makes the answer ConcurrentTx
    (OCPP 1.6 §7.2 AuthorizationStatus: "already involved in another transaction").
    """
    if tag is None:
        return IdTokenInfo(AuthorizationStatus.INVALID)
    status = standing(tag, now)
    if checks_concurrency(tag, now, purpose) and active_transactions > 0:
        status = AuthorizationStatus.CONCURRENT_TX
    return IdTokenInfo(status, tag.expires_at, tag.parent_id_tag)


def check_presented_id_tag(id_tag: str) -> str:
    """An identifier a station presents: non-empty and within CiString36Type.

    Its characters are not checked: a station's reader decides what it sends, and an
    identifier that could never be stored is simply unknown, hence Invalid.
    """
    if not id_tag:
        raise InvalidRequest("id_tag is empty; send the identifier the station read")
    if len(id_tag) > MAX_ID_TAG_LENGTH:
        raise InvalidRequest(
            f"id_tag is {len(id_tag)} characters long; OCPP identifiers have at most "
            f"{MAX_ID_TAG_LENGTH}"
        )
    return id_tag


def check_fields(fields: IdTagFields) -> IdTagFields:
    """The operator's fields for a stored identifier, or :class:`InvalidRequest` saying why.

    The identifier itself must be 1..36 printable, non-space ASCII characters: OCPP's
    CiString types are printable ASCII, and a space would not survive a REST path.
    An empty parent means no parent.
    """
    id_tag = fields.id_tag
    if not 1 <= len(id_tag) <= MAX_ID_TAG_LENGTH:
        raise InvalidRequest(
            f"id_tag must be 1 to {MAX_ID_TAG_LENGTH} characters long, got {len(id_tag)}"
        )
    if not all("!" <= character <= "~" for character in id_tag):
        raise InvalidRequest(
            f"id_tag {id_tag!r} may hold only printable ASCII characters without spaces"
        )
    if fields.status not in STORABLE_STATUSES:
        allowed = ", ".join(status.name for status in STORABLE_STATUSES)
        raise InvalidRequest(f"status {fields.status.name} cannot be stored; use one of {allowed}")
    parent = fields.parent_id_tag
    if parent is not None and len(parent) > MAX_ID_TAG_LENGTH:
        raise InvalidRequest(
            f"parent_id_tag is {len(parent)} characters long; at most {MAX_ID_TAG_LENGTH}"
        )
    if fields.id_token_type:
        problem = id_token_type_problem(fields.id_token_type, "id_token_type")
        if problem is not None:
            raise InvalidRequest(problem)
    return replace(fields, parent_id_tag=parent or None, id_token_type=fields.id_token_type or None)
