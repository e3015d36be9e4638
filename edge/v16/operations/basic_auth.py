"""OCPP 1.6 security whitepaper, security profiles 1-2: setting the station's HTTP Basic
auth password. Pure.

The password is the configuration key AuthorizationKey, written with ChangeConfiguration
and hex-encoded (the whitepaper: 16 to 20 bytes, "hexadecimal represented", so at most
40 hex digits); the station decodes it and sends the bytes as its Basic auth password.
"""

from __future__ import annotations

from ocpp.v16 import call

from csms.edge.v1 import operations_pb2
from edge.operations.errors import InvalidRequest

AUTHORIZATION_KEY = "AuthorizationKey"
MIN_BYTES = 16
MAX_BYTES = 20


def password_request(
    request: operations_pb2.SetBasicAuthPasswordRequest,
) -> call.ChangeConfiguration:
    password = request.password.encode()
    if not MIN_BYTES <= len(password) <= MAX_BYTES:
        raise InvalidRequest(
            f"an OCPP 1.6 station's AuthorizationKey holds {MIN_BYTES} to {MAX_BYTES} bytes "
            f"(1.6 security whitepaper); this password has {len(password)}"
        )
    return call.ChangeConfiguration(key=AUTHORIZATION_KEY, value=password.hex().upper())
