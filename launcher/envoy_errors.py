"""Envoy's own error answers in the JSON shape of every other REST error.

The services' errors reach a REST client through the transcoder (``convert_grpc_status``)
as a ``google.rpc.Status`` in JSON: ``{"code", "message", "details"}``, with the HTTP
status of the gRPC code. Some errors never reach a service, and Envoy answers them
itself (a *local reply*), by default in plain text:

====  ===================================================================  ======================
HTTP  Envoy's reason                                                       gRPC code
====  ===================================================================  ======================
400   the transcoder: a body that is not JSON or not the message, a path   INVALID_ARGUMENT (3)
      or query value of the wrong type, an unknown query parameter
401   ``jwt_authn``: no token, or a bad one                                UNAUTHENTICATED (16)
403   ``rbac``: the token's role does not allow the request                PERMISSION_DENIED (7)
404   the transcoder or a route: no REST method at that path               NOT_FOUND (5)
408   the request's headers were not complete in time                      DEADLINE_EXCEEDED (4)
413   the buffer filter: a body over the limit                             RESOURCE_EXHAUSTED (8)
503   no replica of the component answers (refused, reset, none healthy)   UNAVAILABLE (14)
504   the route's timeout, a margin above the components' own deadlines    DEADLINE_EXCEEDED (4)
      (:data:`launcher.envoy_config.ROUTE_TIMEOUT`), so only a component
      that hangs past its deadline meets it
====  ===================================================================  ======================

The connection manager's ``local_reply_config`` rewrites each of these into that JSON
shape, the code chosen by HTTP status (google.rpc.Code's own HTTP mapping, RESOURCE_EXHAUSTED
for 413 as gRPC reports an oversized message), the message Envoy's reason; any other error
status Envoy makes up is UNKNOWN (2). The mappers match status codes only, so Envoy's
successful direct responses (``GET /openapi.json``) are left as they are; a route's own
error answer (the API gateway's 404s) is written as plain text and shaped here like the rest.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from launcher.envoy_auth import FORBIDDEN_MESSAGE, UNAUTHENTICATED_MESSAGE
from launcher.envoy_limits import MAX_REST_BODY_BYTES

_HCM = "envoy.filters.network.http_connection_manager"
# %LOCAL_REPLY_BODY% is Envoy's own text: the transcoder's parse error, jwt_authn's reason,
# "upstream connect error ...", "no healthy upstream", "upstream request timeout".
REASON = "%LOCAL_REPLY_BODY%"


@dataclass(frozen=True)
class LocalError:
    """One HTTP status Envoy answers itself, as a google.rpc.Status."""

    status: int
    code: int
    message: str = REASON


LOCAL_ERRORS = (
    LocalError(400, 3),
    LocalError(401, 16, UNAUTHENTICATED_MESSAGE),
    LocalError(403, 7, FORBIDDEN_MESSAGE),
    LocalError(404, 5),
    LocalError(408, 4, f"the request was not complete in time ({REASON})"),
    LocalError(
        413,
        8,
        f"the request body is larger than the {MAX_REST_BODY_BYTES:,} bytes the REST API accepts",
    ),
    LocalError(
        503,
        14,
        f"the component that serves this method is unreachable ({REASON}); try again shortly",
    ),
    LocalError(504, 4, f"no answer in time ({REASON})"),
)
UNKNOWN = 2


def _json(code: int, message: str) -> dict[str, Any]:
    return {
        "json_format": {"code": code, "message": message, "details": []},
        "content_type": "application/json",
    }


def _status(op: str, status: int) -> dict[str, Any]:
    value = {"default_value": status, "runtime_key": f"csms.local_reply.status_{status}"}
    return {"status_code_filter": {"comparison": {"op": op, "value": value}}}


def local_reply_config() -> dict[str, Any]:
    """Every local reply of an error status as JSON ``{"code", "message", "details"}``."""
    mappers = [
        {"filter": _status("EQ", e.status), "body_format_override": _json(e.code, e.message)}
        for e in LOCAL_ERRORS
    ]
    mappers.append({"filter": _status("GE", 400), "body_format_override": _json(UNKNOWN, REASON)})
    return {"mappers": mappers}


def with_json_errors(listeners: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``listeners`` with :func:`local_reply_config` on every HTTP connection manager."""
    shaped = copy.deepcopy(listeners)
    for listener in shaped:
        for chain in listener.get("filter_chains", []):
            for network_filter in chain.get("filters", []):
                if network_filter.get("name") == _HCM:
                    network_filter["typed_config"]["local_reply_config"] = local_reply_config()
    return shaped
