"""auth_svc.domain.credentials: the security profile rules, as a table of profile x what the
handshake presented -> decision. No I/O."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from auth_svc.domain.credentials import (
    BasicCredentials,
    Credentials,
    Outcome,
    PasswordCheck,
    Presented,
    SecurityProfile,
    authenticate,
    check_charge_point_id,
    check_profile,
    effective_profile,
)
from auth_svc.errors import InvalidRequest

pytestmark = pytest.mark.unit


NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
P0, P1, P2, P3 = (
    SecurityProfile.NONE,
    SecurityProfile.BASIC_AUTH,
    SecurityProfile.TLS_BASIC_AUTH,
    SecurityProfile.TLS_CLIENT_CERTIFICATE,
)
OK, UNAUTHENTICATED, FORBIDDEN = Outcome.ADMITTED, Outcome.UNAUTHENTICATED, Outcome.FORBIDDEN
C = PasswordCheck

BASIC = BasicCredentials("CP-1", "presented-password")
OTHER_USER = BasicCredentials("CP-2", "presented-password")


def presented(
    basic: BasicCredentials | None = None, *, tls: bool = False, cn: str | None = None
) -> Presented:
    return Presented("CP-1", basic, tls, cn)


# (name, profile, presented, password check, outcome, words in the reason)
CASES = [
    ("p0 nothing", P0, presented(), C.NONE_STORED, OK, ""),
    ("p0 Basic without stored password", P0, presented(BASIC), C.NONE_STORED, OK, ""),
    ("p0 right password", P0, presented(BASIC), C.CURRENT, OK, ""),
    ("p0 wrong password", P0, presented(BASIC), C.WRONG, UNAUTHENTICATED, "wrong password"),
    ("p0 other username", P0, presented(OTHER_USER), C.NONE_STORED, UNAUTHENTICATED, "'CP-2'"),
    (
        "p0 certificate of another",
        P0,
        presented(tls=True, cn="CP-9"),
        C.NONE_STORED,
        FORBIDDEN,
        "'CP-9'",
    ),
    ("p1 right password", P1, presented(BASIC), C.CURRENT, OK, ""),
    ("p1 pending password", P1, presented(BASIC), C.PENDING, OK, ""),
    ("p1 right password over TLS", P1, presented(BASIC, tls=True), C.CURRENT, OK, ""),
    (
        "p1 wrong password",
        P1,
        presented(BASIC),
        C.WRONG,
        UNAUTHENTICATED,
        "wrong password for charge point CP-1",
    ),
    (
        "p1 no Basic",
        P1,
        presented(),
        C.NOT_PRESENTED,
        UNAUTHENTICATED,
        "send HTTP Basic auth with username CP-1",
    ),
    (
        "p1 no password stored",
        P1,
        presented(BASIC),
        C.NONE_STORED,
        UNAUTHENTICATED,
        "PUT /api/v1/charge-points/CP-1/credentials",
    ),
    (
        "p1 nothing stored nor sent",
        P1,
        presented(),
        C.NONE_STORED,
        UNAUTHENTICATED,
        "has no password",
    ),
    (
        "p1 other username",
        P1,
        presented(OTHER_USER),
        C.CURRENT,
        UNAUTHENTICATED,
        "must be the charge point id",
    ),
    ("p1 client certificate instead", P1, presented(tls=True, cn="CP-1"), C.NOT_PRESENTED, OK, ""),
    ("p2 TLS and password", P2, presented(BASIC, tls=True), C.CURRENT, OK, ""),
    (
        "p2 password over plain ws",
        P2,
        presented(BASIC),
        C.CURRENT,
        FORBIDDEN,
        "connect with wss://",
    ),
    (
        "p2 TLS without Basic",
        P2,
        presented(tls=True),
        C.NOT_PRESENTED,
        UNAUTHENTICATED,
        "send HTTP Basic auth",
    ),
    (
        "p2 TLS wrong password",
        P2,
        presented(BASIC, tls=True),
        C.WRONG,
        UNAUTHENTICATED,
        "wrong password",
    ),
    ("p2 client certificate instead", P2, presented(tls=True, cn="CP-1"), C.NOT_PRESENTED, OK, ""),
    ("p3 certificate", P3, presented(tls=True, cn="CP-1"), C.NONE_STORED, OK, ""),
    ("p3 certificate and Basic", P3, presented(BASIC, tls=True, cn="CP-1"), C.CURRENT, OK, ""),
    (
        "p3 certificate of another",
        P3,
        presented(tls=True, cn="CP-2"),
        C.NONE_STORED,
        FORBIDDEN,
        "issued to 'CP-2', not to charge point 'CP-1'",
    ),
    (
        "p3 certificate without CN",
        P3,
        presented(tls=True, cn=""),
        C.NONE_STORED,
        FORBIDDEN,
        "issued to ''",
    ),
    (
        "p3 TLS without certificate",
        P3,
        presented(tls=True),
        C.NONE_STORED,
        FORBIDDEN,
        "present a client certificate issued by the CSMS CA with subject CN=CP-1",
    ),
    (
        "p3 TLS and a password",
        P3,
        presented(BASIC, tls=True),
        C.CURRENT,
        FORBIDDEN,
        "client certificate",
    ),
    (
        "p3 plain ws",
        P3,
        presented(BASIC),
        C.CURRENT,
        FORBIDDEN,
        "connect with wss:// (TLS) and its client certificate",
    ),
    (
        "p3 certificate claimed without TLS",
        P3,
        presented(cn="CP-1"),
        C.NONE_STORED,
        FORBIDDEN,
        "wss://",
    ),
]


@pytest.mark.parametrize(
    ("profile", "given", "check", "outcome", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_decision(
    profile: SecurityProfile, given: Presented, check: PasswordCheck, outcome: Outcome, words: str
) -> None:
    decision = authenticate(given, profile, check)
    assert decision.outcome is outcome
    assert decision.security_profile is profile
    assert words in decision.reason
    assert (decision.reason == "") == (outcome is OK)


def _stored(profile: SecurityProfile) -> Credentials:
    return Credentials("CP-1", profile, None, None, NOW)


@pytest.mark.parametrize(
    ("stored", "minimum", "expected"),
    [
        (None, 0, P0),
        (None, 2, P2),
        (_stored(P1), 0, P1),
        (_stored(P1), 2, P2),
        (_stored(P3), 1, P3),
    ],
)
def test_the_effective_profile_is_raised_to_the_minimum(
    stored: Credentials | None, minimum: int, expected: SecurityProfile
) -> None:
    assert effective_profile(stored, minimum) is expected


def test_pending_password_becomes_the_password() -> None:
    stored = Credentials("CP-1", P1, "old", None, NOW).with_pending("new", NOW)
    assert stored.confirmed(NOW).password_hash == "new"
    assert stored.confirmed(NOW).pending_password_hash is None
    assert stored.without_pending(NOW).password_hash == "old"


@pytest.mark.parametrize("value", [-1, 4, 99])
def test_profiles_outside_0_to_3_are_refused(value: int) -> None:
    with pytest.raises(InvalidRequest, match=f"security_profile {value} is not 0, 1, 2 or 3"):
        check_profile(value)


@pytest.mark.parametrize("value", ["", "x" * 49, "CP 1", "CP/1", "CP%1"])
def test_charge_point_ids_follow_identifier_string(value: str) -> None:
    with pytest.raises(InvalidRequest, match="1 to 48 characters"):
        check_charge_point_id(value)
