from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from auth_svc.domain.id_tag import (
    AuthorizationStatus,
    IdTag,
    IdTagFields,
    IdTokenInfo,
    Purpose,
    check_fields,
    check_presented_id_tag,
    checks_concurrency,
    decide,
    presented_as,
)
from auth_svc.errors import InvalidRequest

pytestmark = pytest.mark.unit


NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
A = AuthorizationStatus


def tag(
    status: AuthorizationStatus = A.ACCEPTED,
    expires_at: datetime | None = None,
    parent: str | None = None,
) -> IdTag:
    return IdTag("TAG1", status, expires_at, parent, NOW - timedelta(days=1), NOW)


@pytest.mark.parametrize(
    ("stored", "purpose", "active", "expected"),
    [
        (None, Purpose.AUTHORIZE, 0, A.INVALID),
        (tag(), Purpose.AUTHORIZE, 0, A.ACCEPTED),
        (tag(), Purpose.AUTHORIZE, 1, A.CONCURRENT_TX),
        (tag(), Purpose.START_TRANSACTION, 2, A.CONCURRENT_TX),
        (tag(), Purpose.STOP_TRANSACTION, 1, A.ACCEPTED),
        (tag(A.BLOCKED), Purpose.AUTHORIZE, 1, A.BLOCKED),
        (tag(A.EXPIRED), Purpose.AUTHORIZE, 0, A.EXPIRED),
        (tag(A.INVALID), Purpose.START_TRANSACTION, 1, A.INVALID),
        (tag(expires_at=NOW), Purpose.AUTHORIZE, 0, A.EXPIRED),
        (tag(expires_at=NOW - timedelta(seconds=1)), Purpose.STOP_TRANSACTION, 0, A.EXPIRED),
        (tag(expires_at=NOW + timedelta(seconds=1)), Purpose.AUTHORIZE, 0, A.ACCEPTED),
        (tag(A.BLOCKED, expires_at=NOW - timedelta(days=1)), Purpose.AUTHORIZE, 0, A.BLOCKED),
        (tag(expires_at=NOW - timedelta(days=1)), Purpose.AUTHORIZE, 3, A.EXPIRED),
    ],
)
def test_decide(
    stored: IdTag | None, purpose: Purpose, active: int, expected: AuthorizationStatus
) -> None:
    assert decide(stored, NOW, purpose, active).status is expected


def test_decision_carries_expiry_and_parent_of_the_stored_tag() -> None:
    expires = NOW + timedelta(days=30)
    stored = tag(expires_at=expires, parent="GROUP-1")
    assert decide(stored, NOW, Purpose.AUTHORIZE, 0) == IdTokenInfo(A.ACCEPTED, expires, "GROUP-1")
    assert decide(stored, NOW, Purpose.AUTHORIZE, 1) == IdTokenInfo(
        A.CONCURRENT_TX, expires, "GROUP-1"
    )


def test_unknown_identifier_carries_nothing() -> None:
    assert decide(None, NOW, Purpose.AUTHORIZE, 0) == IdTokenInfo(A.INVALID, None, None)


@pytest.mark.parametrize(
    ("stored", "purpose", "expected"),
    [
        (tag(), Purpose.AUTHORIZE, True),
        (tag(), Purpose.START_TRANSACTION, True),
        (tag(), Purpose.STOP_TRANSACTION, False),
        (None, Purpose.AUTHORIZE, False),
        (tag(A.BLOCKED), Purpose.AUTHORIZE, False),
        (tag(A.EXPIRED), Purpose.START_TRANSACTION, False),
        (tag(A.INVALID), Purpose.AUTHORIZE, False),
        (tag(expires_at=NOW), Purpose.AUTHORIZE, False),
    ],
)
def test_only_accepted_tags_starting_or_authorizing_check_concurrency(
    stored: IdTag | None, purpose: Purpose, expected: bool
) -> None:
    assert checks_concurrency(stored, NOW, purpose) is expected


@pytest.mark.parametrize("id_tag", ["A", "x" * 36, "04:A2:3B:1C", "tag with space"])
def test_presented_id_tag_accepts_any_text_up_to_36(id_tag: str) -> None:
    assert check_presented_id_tag(id_tag) == id_tag


@pytest.mark.parametrize(
    ("id_tag", "message"), [("", "id_tag is empty"), ("x" * 37, "37 characters")]
)
def test_presented_id_tag_rejects_empty_and_too_long(id_tag: str, message: str) -> None:
    with pytest.raises(InvalidRequest, match=message):
        check_presented_id_tag(id_tag)


def fields(
    id_tag: str = "TAG1",
    status: AuthorizationStatus = A.ACCEPTED,
    parent: str | None = None,
) -> IdTagFields:
    return IdTagFields(id_tag, status, None, parent)


@pytest.mark.parametrize("status", [A.ACCEPTED, A.BLOCKED, A.EXPIRED, A.INVALID])
def test_storable_statuses(status: AuthorizationStatus) -> None:
    assert check_fields(fields(status=status)).status is status


@pytest.mark.parametrize(
    "status",
    [A.CONCURRENT_TX, A.NO_CREDIT, A.NOT_ALLOWED_TYPE_EVSE, A.NOT_AT_THIS_TIME, A.UNKNOWN],
)
def test_decisions_that_cannot_be_stored(status: AuthorizationStatus) -> None:
    with pytest.raises(InvalidRequest, match="use one of ACCEPTED, BLOCKED, EXPIRED, INVALID"):
        check_fields(fields(status=status))


@pytest.mark.parametrize(
    ("id_tag", "message"),
    [
        ("", "1 to 36 characters long, got 0"),
        ("x" * 37, "1 to 36 characters long, got 37"),
        ("has space", "printable ASCII characters without spaces"),
        ("tab\there", "printable ASCII"),
        ("émile", "printable ASCII"),
    ],
)
def test_stored_identifier_must_be_printable_ascii(id_tag: str, message: str) -> None:
    with pytest.raises(InvalidRequest, match=message):
        check_fields(fields(id_tag=id_tag))


def test_identifier_of_36_printable_characters_is_fine() -> None:
    value = "!~" + "A" * 34
    assert check_fields(fields(id_tag=value)).id_tag == value


def test_parent_is_bounded_and_empty_means_none() -> None:
    assert check_fields(fields(parent="")).parent_id_tag is None
    assert check_fields(fields(parent="P" * 36)).parent_id_tag == "P" * 36
    with pytest.raises(InvalidRequest, match="parent_id_tag is 37 characters long"):
        check_fields(fields(parent="P" * 37))


def test_a_token_is_its_value_and_its_type() -> None:
    card = tag()
    assert card.id_token_type == "ISO14443"
    contract = replace(card, id_token_type="eMAID")
    assert presented_as(card, "ISO14443") is card
    assert presented_as(contract, "eMAID") is contract
    # 2.0.1 IdTokenType: the same characters read as another type are another token.
    assert presented_as(card, "eMAID") is None
    assert decide(presented_as(card, "KeyCode"), NOW, Purpose.AUTHORIZE, 0).status is A.INVALID
    # OCPP 1.6 presents no type.
    assert presented_as(contract, "") is contract
    assert presented_as(None, "eMAID") is None


def test_the_id_token_type_is_checked() -> None:
    fields = IdTagFields("TAG1", A.ACCEPTED, None, None, "ISO15693")
    assert check_fields(fields) == fields
    assert check_fields(replace(fields, id_token_type="")).id_token_type is None
    assert check_fields(replace(fields, id_token_type="DirectPayment")).id_token_type
    with pytest.raises(InvalidRequest, match="id_token_type 'ISO-14443' is not"):
        check_fields(replace(fields, id_token_type="ISO-14443"))
