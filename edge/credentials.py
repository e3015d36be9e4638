"""What a WebSocket handshake presents to prove the charge point's identity. Pure.

- ``Authorization: Basic`` (RFC 7617): security profiles 1 and 2, username = the charge
  point identity (OCPP 1.6 security whitepaper, 2.0.1 A00).
- TLS and the client certificate: TLS ends at Envoy, which says so in
  ``x-forwarded-proto: https`` and passes the certificate it verified against the CSMS CA
  in ``x-forwarded-client-cert`` (XFCC), ``Subject="CN=...,O=..."`` among its fields.
  Envoy removes both headers from what clients send (``launcher.envoy_tls``), and only
  Envoy reaches the edge, so the edge trusts them. A certificate claimed without TLS is
  ignored.

The decision itself is auth_svc's (``AuthService.AuthenticateChargePoint``).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from http import HTTPStatus

from cryptography import x509
from cryptography.x509.oid import NameOID
from websockets.datastructures import Headers, MultipleValuesError

from edge.handshake import Refusal

FORWARDED_PROTO = "x-forwarded-proto"
FORWARDED_CLIENT_CERT = "x-forwarded-client-cert"


@dataclass(frozen=True)
class Presented:
    """``basic``: (username, password) from Basic auth; ``client_certificate_cn``: the
    subject CN of the certificate Envoy verified, only over TLS."""

    basic: tuple[str, str] | None
    tls: bool
    client_certificate_cn: str | None


def presented(headers: Headers) -> Presented | Refusal:
    """What the handshake's headers present, or a 400/401 for headers that cannot be read."""
    values: dict[str, str | None] = {}
    for name in ("Authorization", FORWARDED_PROTO, FORWARDED_CLIENT_CERT):
        try:
            values[name] = headers.get(name)
        except MultipleValuesError:
            return Refusal(HTTPStatus.BAD_REQUEST, f"the {name} header is sent more than once")
    authorization = values["Authorization"]
    proto = values[FORWARDED_PROTO]
    forwarded_cert = values[FORWARDED_CLIENT_CERT]
    basic = None if authorization is None else basic_credentials(authorization)
    if isinstance(basic, Refusal):
        return basic
    tls = proto == "https"
    cn = client_certificate_cn(forwarded_cert) if tls and forwarded_cert else None
    if isinstance(cn, Refusal):
        return cn
    return Presented(basic, tls, cn)


def basic_credentials(authorization: str) -> tuple[str, str] | Refusal:
    """RFC 7617 §2: ``Basic base64(user-id ":" password)``, UTF-8."""
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        return Refusal(
            HTTPStatus.UNAUTHORIZED,
            f"the Authorization scheme is {scheme!r}; charge points use HTTP Basic auth",
        )
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return Refusal(
            HTTPStatus.BAD_REQUEST,
            "the Authorization: Basic credentials are not base64 of UTF-8 'id:password'",
        )
    username, colon, password = decoded.partition(":")
    if not colon:
        return Refusal(
            HTTPStatus.BAD_REQUEST,
            "the Authorization: Basic credentials have no ':' between id and password",
        )
    return username, password


def client_certificate_cn(xfcc: str) -> str | Refusal:
    """The subject CN of the first (with Envoy's SANITIZE_SET, the only) element of an
    XFCC header; "" when the subject names no CN."""
    subject = xfcc_fields(xfcc).get("subject")
    if subject is None:
        return Refusal(
            HTTPStatus.FORBIDDEN, "the client certificate's subject was not forwarded by Envoy"
        )
    try:
        name = x509.Name.from_rfc4514_string(subject)
    except ValueError:
        return Refusal(
            HTTPStatus.FORBIDDEN, f"the client certificate's subject {subject!r} cannot be read"
        )
    names = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""


def xfcc_fields(xfcc: str) -> dict[str, str]:
    """The ``key=value`` pairs of the first XFCC element, keys lower-cased, values
    unquoted. Elements are separated by ``,`` and pairs by ``;``; a value holding either
    (or ``=``) is double-quoted, a ``"`` inside it escaped as ``\\"`` (Envoy's format). Any
    other backslash is the value's own (an RFC 4514 escape in the subject)."""
    fields: dict[str, str] = {}
    key: str | None = None
    current: list[str] = []
    quoted = False
    index = 0

    def finish() -> None:
        if key is not None:
            fields.setdefault(key.strip().lower(), "".join(current))

    while index < len(xfcc):
        character = xfcc[index]
        index += 1
        if quoted and character == "\\" and xfcc[index : index + 1] == '"':
            current.append('"')
            index += 1
        elif character == '"':
            quoted = not quoted
        elif quoted:
            current.append(character)
        elif character == "=" and key is None:
            key, current = "".join(current), []
        elif character in ";,":
            finish()
            if character == ",":
                return fields
            key, current = None, []
        else:
            current.append(character)
    finish()
    return fields
