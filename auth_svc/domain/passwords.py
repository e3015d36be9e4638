"""Charge point passwords (HTTP Basic auth, OCPP security profiles 1 and 2): what a
password may be, and how it is stored.

Pure computation, no I/O. A password is stored as a scrypt hash (RFC 7914) with its own
random salt and the cost parameters in the text, ``scrypt$N$r$p$salt$key`` (base64), so
that the parameters can be raised later without making stored hashes unreadable. Hashing
takes tens of milliseconds on purpose; callers on an event loop run it in a thread.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from auth_svc.errors import InvalidRequest

# OCPP 2.0.1 A00 (security profiles 1-2): SecurityCtrlr.BasicAuthPassword holds 16 to 40
# characters; the OCPP 1.6 security whitepaper's AuthorizationKey 16 to 20 bytes, which
# the edge checks when it sends one to a 1.6 station.
MIN_LENGTH = 16
MAX_LENGTH = 40

# scrypt cost: 16 MiB and some tens of milliseconds per hash. One verification per
# connection attempt, so thousands of stations reconnecting after an outage stay affordable.
_N = 2**14
_R = 8
_P = 1
_KEY_BYTES = 32
_SALT_BYTES = 16
_SCHEME = "scrypt"
_MAX_MEMORY = 64 * 1024 * 1024


def check_password(password: str) -> str:
    """A password an operator sets, or :class:`InvalidRequest` saying what is wrong.

    Printable ASCII only: the station sends it in an HTTP header (RFC 7617 leaves the
    charset to agreement) and OCPP's passwordString is ASCII.
    """
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise InvalidRequest(
            f"password must be {MIN_LENGTH} to {MAX_LENGTH} characters long, got "
            f"{len(password)} (OCPP 2.0.1 A00; an OCPP 1.6 station takes at most 20)"
        )
    if not all(" " <= character <= "~" for character in password):
        raise InvalidRequest("password may hold only printable ASCII characters")
    return password


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """The stored form of ``password``: scheme, cost, salt and derived key."""
    salt = secrets.token_bytes(_SALT_BYTES) if salt is None else salt
    key = _derive(password, salt, _N, _R, _P)
    return "$".join((_SCHEME, str(_N), str(_R), str(_P), _b64(salt), _b64(key)))


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (a constant-time compare
    of the derived keys). A stored text this module did not write never matches."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != _SCHEME:
            return False
        expected = base64.b64decode(key, validate=True)
        derived = _derive(password, base64.b64decode(salt, validate=True), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(derived, expected)


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=r, p=p, maxmem=_MAX_MEMORY, dklen=_KEY_BYTES
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
