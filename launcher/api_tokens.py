"""API tokens: the key that signs them, the JWKS Envoy verifies them with, and the tokens.

A token is a JWT (RFC 7519) in JWS compact serialization (RFC 7515), signed with ES256
(ECDSA P-256 and SHA-256, RFC 7518 §3.4), which Envoy's ``jwt_authn`` filter verifies
against the public key in a local JWKS file (RFC 7517). Its claims: ``iss`` (the
configured issuer), ``sub`` (who it was made for), ``role`` (:class:`Role`), ``iat``,
``exp`` and a random ``jti``. The key id is the key's RFC 7638 thumbprint, so a JWKS
that holds several keys (a rotation) still names the right one.

Embedded mode needs no preparation: the first ``csms up`` with ``CSMS_API_AUTH=jwt`` (or
the first ``csms token create``) creates the private key (readable by the owner only)
and the JWKS under ``$CSMS_DATA_DIR/pki``. An operator whose tokens come from their own
identity provider points ``CSMS_API_JWKS`` at that provider's JWKS instead; ``csms token``
then refuses to sign, since Envoy would not accept what it signs.

Signing is a few lines of ``cryptography``, which the CSMS already depends on for its
PKI; no JWT library is needed to *make* tokens, and verifying them is Envoy's job.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import hashlib
import json
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from servicekit.pki import write_private
from servicekit.security_settings import ApiAuth, SecuritySettings

ALGORITHM = "ES256"
ROLE_CLAIM = "role"
DEFAULT_DAYS = 30
_COORDINATE_BYTES = 32  # P-256


class Role(enum.StrEnum):
    """What a token's holder may do through the REST API (and gRPC through Envoy)."""

    VIEWER = "viewer"
    """Read: methods bound to HTTP GET only."""
    OPERATOR = "operator"
    """Everything: register charge points, send operations, change id tags, ..."""


class SigningKeyError(RuntimeError):
    """The signing key or the JWKS cannot be used to make tokens; the message says why."""


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _compact_json(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


@dataclass(frozen=True)
class SigningKey:
    """An ES256 private key and its public JWK."""

    private: ec.EllipticCurvePrivateKey

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(ec.generate_private_key(ec.SECP256R1()))

    @classmethod
    def from_pem(cls, pem: bytes) -> SigningKey:
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
            raise SigningKeyError("the API signing key must be an EC P-256 private key (ES256)")
        return cls(key)

    def pem(self) -> str:
        return self.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()

    def _public_members(self) -> dict[str, str]:
        numbers = self.private.public_key().public_numbers()
        return {
            "crv": "P-256",
            "kty": "EC",
            "x": _b64url(numbers.x.to_bytes(_COORDINATE_BYTES, "big")),
            "y": _b64url(numbers.y.to_bytes(_COORDINATE_BYTES, "big")),
        }

    @property
    def kid(self) -> str:
        """The JWK thumbprint (RFC 7638 §3: the required members, sorted, no whitespace)."""
        return _b64url(hashlib.sha256(_compact_json(self._public_members())).digest())

    def jwk(self) -> dict[str, str]:
        return {**self._public_members(), "alg": ALGORITHM, "use": "sig", "kid": self.kid}

    def sign(self, claims: Mapping[str, Any]) -> str:
        """``claims`` as a JWS compact serialization (RFC 7515 §7.1) signed with ES256.

        ECDSA signatures are DER-encoded by ``cryptography``; JWS wants R and S as two
        fixed-length big-endian integers (RFC 7518 §3.4)."""
        header = {"alg": ALGORITHM, "kid": self.kid, "typ": "JWT"}
        signing_input = f"{_b64url(_compact_json(header))}.{_b64url(_compact_json(claims))}"
        der = self.private.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        raw = r.to_bytes(_COORDINATE_BYTES, "big") + s.to_bytes(_COORDINATE_BYTES, "big")
        return f"{signing_input}.{_b64url(raw)}"


def claims(
    *, issuer: str, role: Role, subject: str, now: dt.datetime, lifetime: dt.timedelta
) -> dict[str, Any]:
    """The claims of a token for ``subject`` valid from ``now`` for ``lifetime``."""
    issued = int(now.timestamp())
    return {
        "iss": issuer,
        "sub": subject,
        ROLE_CLAIM: role.value,
        "iat": issued,
        "exp": issued + int(lifetime.total_seconds()),
        "jti": secrets.token_urlsafe(12),
    }


def jwks(keys: list[SigningKey]) -> dict[str, Any]:
    return {"keys": [key.jwk() for key in keys]}


def _read_kids(path: Path) -> set[str]:
    try:
        document = json.loads(path.read_text())
        return {str(key.get("kid")) for key in document["keys"]}
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise SigningKeyError(f"{path} is not a JWKS (a JSON object with keys): {error}") from None


def ensure_jwks(security: SecuritySettings) -> None:
    """Make sure the JWKS Envoy verifies tokens with exists.

    Neither file: create the signing key and the JWKS. Only the key: write its JWKS.
    Only the JWKS: leave it (tokens come from whoever holds its keys)."""
    key_path, jwks_path = security.api_signing_key, security.api_jwks
    if jwks_path.exists():
        _read_kids(jwks_path)
        return
    if key_path.exists():
        key = _load(key_path)
    else:
        key = SigningKey.generate()
        write_private(key_path, key.pem())
    jwks_path.parent.mkdir(parents=True, exist_ok=True)
    jwks_path.write_text(json.dumps(jwks([key]), indent=2) + "\n")


def _load(path: Path) -> SigningKey:
    try:
        return SigningKey.from_pem(path.read_bytes())
    except ValueError as error:
        raise SigningKeyError(f"{path}: not a PEM private key: {error}") from None


def signing_key(security: SecuritySettings) -> SigningKey:
    """The key ``csms token`` signs with, created with the JWKS on first use.

    Refused when the JWKS does not hold the key's public half: Envoy would refuse every
    token it signs."""
    ensure_jwks(security)
    if not security.api_signing_key.exists():
        raise SigningKeyError(
            f"no signing key at {security.api_signing_key}: CSMS_API_JWKS={security.api_jwks} "
            "was not made by csms, so tokens must come from whoever holds its keys"
        )
    key = _load(security.api_signing_key)
    if key.kid not in _read_kids(security.api_jwks):
        raise SigningKeyError(
            f"the JWKS {security.api_jwks} does not hold the public key of "
            f"{security.api_signing_key} (kid {key.kid}); Envoy would refuse its tokens"
        )
    return key


def create_token(
    security: SecuritySettings,
    role: Role,
    *,
    subject: str,
    lifetime: dt.timedelta,
    now: dt.datetime,
) -> tuple[str, dict[str, Any]]:
    """A signed token for ``subject`` with ``role``, and its claims."""
    chosen = claims(
        issuer=security.api_issuer, role=role, subject=subject, now=now, lifetime=lifetime
    )
    return signing_key(security).sign(chosen), chosen


def summary(security: SecuritySettings) -> str:
    """``csms up``'s banner line: whether the API needs tokens, and how to get one."""
    if security.api_auth is ApiAuth.JWT:
        return (
            "jwt: REST needs 'Authorization: Bearer TOKEN' (roles viewer, operator); "
            "get one with: csms token create --role operator"
        )
    return (
        "none  (anyone who reaches the REST ports may use the API: fine for trying it out, "
        "not for production; set CSMS_API_AUTH=jwt)"
    )


def print_new_token(
    security: SecuritySettings, role: Role, *, days: int, subject: str | None
) -> int:
    """``csms token create``: the token alone on stdout (``TOKEN=$(csms token create ...)``),
    what it is on stderr."""
    now = dt.datetime.now(dt.UTC)
    try:
        token, made = create_token(
            security, role, subject=subject or role.value, lifetime=dt.timedelta(days=days), now=now
        )
    except (OSError, SigningKeyError) as error:
        print(f"csms token: {error}", file=sys.stderr)
        return 1
    expires = dt.datetime.fromtimestamp(made["exp"], dt.UTC).isoformat(timespec="seconds")
    print(token)
    print(
        f"csms token: {role.value} token for {made['sub']!r}, issuer {made['iss']!r}, "
        f"valid until {expires}; send it as 'Authorization: Bearer TOKEN'",
        file=sys.stderr,
    )
    if security.api_auth is not ApiAuth.JWT:
        print(
            "csms token: CSMS_API_AUTH is none, so the API does not ask for tokens yet; "
            "set CSMS_API_AUTH=jwt",
            file=sys.stderr,
        )
    return 0
