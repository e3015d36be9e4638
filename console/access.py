"""Who is looking: the operator's API token and what the console may show them.

The console keeps no users. With ``CSMS_API_AUTH=jwt`` the operator pastes a token from
``csms token create`` on the sign-in page and the console keeps it in a cookie only it
reads (HttpOnly, SameSite=Strict, path /console); or an identity-aware proxy in front of
Envoy (oauth2-proxy and the like) hands a token over in ``Authorization: Bearer ...`` or
``X-Forwarded-Access-Token`` on every request, and no sign-in page is shown. Either way the
token goes with every API call and Envoy enforces the roles (docs/adr/0008).

The role claim is read here, unverified, only to hide what the operator could not do
anyway: a viewer sees no controls that need role operator. It grants nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from starlette.requests import Request

COOKIE = "csms_console_token"
ROLE_CLAIM = "role"  # launcher.api_tokens.ROLE_CLAIM, as tokens carry it
OPERATOR = "operator"
VIEWER = "viewer"


@dataclass(frozen=True)
class Visitor:
    token: str | None
    role: str
    """``operator`` or ``viewer``; ``operator`` without a token (the API decides)."""
    subject: str
    from_proxy: bool

    @property
    def may_operate(self) -> bool:
        return self.role == OPERATOR

    @property
    def signed_in(self) -> bool:
        return self.token is not None


def claims(token: str) -> dict[str, object]:
    """The payload of a JWT, undecoded signature and all; {} when it is not one."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        decoded = json.loads(base64.urlsafe_b64decode(payload))
    except (binascii.Error, ValueError):
        return {}
    return decoded if isinstance(decoded, dict) else {}


def _bearer(value: str | None) -> str | None:
    if value and value.lower().startswith("bearer "):
        token = value[7:].strip()
        return token or None
    return None


def visitor(request: Request) -> Visitor:
    proxied = _bearer(request.headers.get("authorization")) or (
        request.headers.get("x-forwarded-access-token") or None
    )
    token = proxied or request.cookies.get(COOKIE) or None
    if token is None:
        return Visitor(None, OPERATOR, "", from_proxy=False)
    payload = claims(token)
    role = str(payload.get(ROLE_CLAIM, VIEWER))
    return Visitor(
        token,
        OPERATOR if role == OPERATOR else VIEWER,
        str(payload.get("sub", "")),
        from_proxy=proxied is not None,
    )
