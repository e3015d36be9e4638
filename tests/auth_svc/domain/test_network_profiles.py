"""The rules of offered network profiles and the security profile upgrade (OCPP 2.0.1
B09, A05)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from auth_svc.domain.credentials import Credentials, SecurityProfile
from auth_svc.domain.network_profiles import (
    NetworkOffer,
    ProfileStatus,
    after_answer,
    check_offer,
    recorded,
)
from auth_svc.errors import InvalidRequest

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
P = SecurityProfile


def _credentials(profile: SecurityProfile, password: bool = True) -> Credentials:
    return Credentials("CP-1", profile, "hash" if password else None, None, NOW)


def test_an_offer_may_raise_or_keep_the_profile() -> None:
    assert check_offer("CP-1", 1, 2, _credentials(P.BASIC_AUTH)) is P.TLS_BASIC_AUTH
    assert check_offer("CP-1", 3, 1, _credentials(P.BASIC_AUTH)) is P.BASIC_AUTH
    assert check_offer("CP-1", 1, 3, None) is P.TLS_CLIENT_CERTIFICATE


@pytest.mark.parametrize(
    ("slot", "offered", "stored", "words"),
    [
        (0, 1, _credentials(P.NONE), "configuration_slot must be 1 or more, got 0"),
        (1, 0, _credentials(P.NONE), "must be 1, 2 or 3"),
        (1, 4, _credentials(P.NONE), "must be 1, 2 or 3"),
        (1, 1, _credentials(P.TLS_BASIC_AUTH), "is lower than charge point CP-1's"),
        (1, 2, _credentials(P.NONE, password=False), "has none: set it first"),
        (1, 1, None, "has none: set it first"),
    ],
)
def test_offers_the_csms_refuses(
    slot: int, offered: int, stored: Credentials | None, words: str
) -> None:
    with pytest.raises(InvalidRequest, match=words):
        check_offer("CP-1", slot, offered, stored)


def test_secrets_are_not_recorded() -> None:
    vpn = {"server": "v", "user": "u", "password": "pw", "key": "k", "type": "IPSec"}
    connection: dict[str, Any] = {
        "ocppCsmsUrl": "wss://csms/ocpp",
        "securityProfile": 2,
        "vpn": vpn,
        "apn": {"apn": "a", "apnPassword": "secret", "apnAuthentication": "AUTO"},
    }
    offer = NetworkOffer(2, P.TLS_BASIC_AUTH, connection)
    profile = recorded("CP-1", offer, ProfileStatus.ACCEPTED, NOW)
    assert profile.connection == {
        "ocppCsmsUrl": "wss://csms/ocpp",
        "securityProfile": 2,
        "vpn": {"server": "v", "user": "u", "type": "IPSec"},
        "apn": {"apn": "a", "apnAuthentication": "AUTO"},
    }
    assert (profile.configuration_slot, profile.status) == (2, ProfileStatus.ACCEPTED)
    assert vpn["password"] == "pw"  # the offer itself is left as it was


def test_an_accepted_higher_profile_is_pending_until_used() -> None:
    stored = _credentials(P.BASIC_AUTH)
    changed = after_answer("CP-1", stored, P.TLS_BASIC_AUTH, ProfileStatus.ACCEPTED, NOW)
    assert changed is not None
    assert changed.security_profile is P.BASIC_AUTH  # the old one stays in force
    assert changed.pending_security_profile is P.TLS_BASIC_AUTH
    upgraded = changed.upgraded(NOW)
    assert (upgraded.security_profile, upgraded.pending_security_profile) == (
        P.TLS_BASIC_AUTH,
        None,
    )
    assert upgraded.password_hash == "hash"


@pytest.mark.parametrize(
    ("offered", "status"),
    [
        (P.TLS_BASIC_AUTH, ProfileStatus.REJECTED),
        (P.TLS_BASIC_AUTH, ProfileStatus.FAILED),
        (P.BASIC_AUTH, ProfileStatus.ACCEPTED),
    ],
)
def test_nothing_changes_otherwise(offered: SecurityProfile, status: ProfileStatus) -> None:
    assert after_answer("CP-1", _credentials(P.BASIC_AUTH), offered, status, NOW) is None


def test_a_station_without_credentials_gets_them() -> None:
    changed = after_answer("CP-1", None, P.TLS_CLIENT_CERTIFICATE, ProfileStatus.ACCEPTED, NOW)
    assert changed is not None
    assert (changed.security_profile, changed.pending_security_profile) == (
        P.NONE,
        P.TLS_CLIENT_CERTIFICATE,
    )
