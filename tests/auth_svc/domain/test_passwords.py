"""auth_svc.domain.passwords: the rules for a password, and its scrypt hash."""

from __future__ import annotations

import pytest

from auth_svc.domain.passwords import check_password, hash_password, verify_password
from auth_svc.errors import InvalidRequest

pytestmark = pytest.mark.unit


def test_hash_verifies_only_its_password() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("scrypt$16384$8$1$")
    assert "correct horse battery" not in stored
    assert verify_password("correct horse battery", stored)
    assert not verify_password("correct horse batterY", stored)
    assert not verify_password("", stored)


def test_each_hash_has_its_own_salt() -> None:
    assert hash_password("same password 123") != hash_password("same password 123")
    assert hash_password("same password 123", salt=b"s" * 16) == hash_password(
        "same password 123", salt=b"s" * 16
    )


@pytest.mark.parametrize(
    "stored",
    ["", "plain", "bcrypt$1$2$3$AA==$AA==", "scrypt$x$8$1$AA==$AA==", "scrypt$16384$8$1$!$!"],
)
def test_a_stored_text_it_did_not_write_never_matches(stored: str) -> None:
    assert not verify_password("anything at all!", stored)


@pytest.mark.parametrize("password", ["a" * 16, "a" * 40, "with spaces and ~!@#$%^&*()"])
def test_acceptable_passwords(password: str) -> None:
    assert check_password(password) == password


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("a" * 15, "16 to 40 characters long, got 15"),
        ("a" * 41, "got 41"),
        ("pässwörd-pässwörd", "printable ASCII"),
        ("tab\tin-the-middle-x", "printable ASCII"),
    ],
)
def test_refused_passwords(password: str, words: str) -> None:
    with pytest.raises(InvalidRequest, match=words):
        check_password(password)
