"""API authentication at Envoy: bearer JWTs verified by ``jwt_authn``, roles by ``rbac``.

With ``CSMS_API_AUTH=jwt`` every HTTP connection manager Envoy runs gets both filters,
placed after the transcoder, just before the router. The transcoder rewrites a REST
request's path to its gRPC method (``GET /connections`` becomes
``/csms.edge.v1.EdgeService/ListConnections``) and clears the route cache, so the filters
look at the route of the method itself: the route a REST call and a native gRPC call
through Envoy share, one per method on every listener. What a route allows therefore
follows from the method, not from the request (after transcoding every request is a
POST):

========================================  =================================================
route                                     needs
========================================  =================================================
Envoy's own answers (``/openapi.json``,   nothing
the JSON 404s) and the OCPP WebSocket     (charge points prove who they are with OCPP
(the routes to the edge's WebSocket       security profiles at the edge)
cluster)
``GetHealth`` of every component          nothing (load balancers, monitoring)
a method whose bindings are all ``GET``   a token with role viewer or operator
any other method, or any other route      a token with role operator
========================================  =================================================

``GET /services`` (``ListServices``) is not a health endpoint: it lists every component's
address, so it needs a token like any other read.

Refusals come back as JSON in the transcoder's error shape (``{"code", "message"}``): a
missing, malformed, expired or foreign token is 401 (``jwt_authn``; Envoy also sends
``WWW-Authenticate: Bearer``), a token whose role does not allow the method is 403
(``rbac``). Both are Envoy local replies, shaped as JSON by :mod:`launcher.envoy_errors`
with the messages below.

The token comes from ``Authorization: Bearer ...`` and is not forwarded to the components:
they trust Envoy, and reach each other on the private network without tokens.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Iterable, Mapping
from typing import Any

from google.api import annotations_pb2
from google.protobuf.descriptor import ServiceDescriptor

from launcher.api_tokens import ROLE_CLAIM, Role
from launcher.envoy_clusters import EDGE_WS
from servicekit.security_settings import ApiAuth, SecuritySettings

PROVIDER = "csms"
REQUIREMENT = "api_token"
PAYLOAD_KEY = "jwt_payload"
JWT_FILTER = "envoy.filters.http.jwt_authn"
RBAC_FILTER = "envoy.filters.http.rbac"
_ROUTER_FILTER = "envoy.filters.http.router"
_HCM_FILTER = "envoy.filters.network.http_connection_manager"
_JWT = "type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication"
_JWT_ROUTE = "type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig"
_RBAC = "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC"
_RBAC_ROUTE = "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBACPerRoute"

# %LOCAL_REPLY_BODY% is jwt_authn's reason ("Jwt is missing", "Jwt is expired", ...).
UNAUTHENTICATED_MESSAGE = (
    "missing or invalid API token (%LOCAL_REPLY_BODY%): send 'Authorization: Bearer TOKEN' "
    "with a token from `csms token create --role viewer|operator`"
)
FORBIDDEN_MESSAGE = (
    f"the token's role (%DYNAMIC_METADATA({JWT_FILTER}:{PAYLOAD_KEY}:{ROLE_CLAIM})%) does not "
    "allow this: role viewer may read (methods bound to GET), role operator may do everything"
)


class Access(enum.Enum):
    """What a route needs."""

    OPEN = "open"
    READ = "read"
    WRITE = "write"


def _verbs(rule: Any) -> set[str]:
    """The HTTP verbs of a ``google.api.HttpRule`` and its additional bindings."""
    verbs = {str(rule.WhichOneof("pattern"))}
    for binding in rule.additional_bindings:
        verbs |= _verbs(binding)
    return verbs


def method_access(services: Iterable[ServiceDescriptor]) -> dict[str, Access]:
    """What each REST-bound method needs, by its gRPC path (the route's path)."""
    access = {}
    for service in services:
        for method in service.methods:
            options = method.GetOptions()
            if not options.HasExtension(annotations_pb2.http):
                continue
            path = f"/{service.full_name}/{method.name}"
            if method.name == "GetHealth":
                access[path] = Access.OPEN
            elif _verbs(options.Extensions[annotations_pb2.http]) == {"get"}:
                access[path] = Access.READ
            else:
                access[path] = Access.WRITE
    return access


def route_access(route: Mapping[str, Any], methods: Mapping[str, Access]) -> Access:
    """What ``route`` needs: see the table in the module docstring."""
    if "direct_response" in route:
        return Access.OPEN
    if route.get("route", {}).get("cluster") == EDGE_WS:
        return Access.OPEN
    path = route.get("match", {}).get("path")
    return methods.get(path, Access.WRITE) if isinstance(path, str) else Access.WRITE


def jwt_filter(security: SecuritySettings) -> dict[str, Any]:
    """``jwt_authn`` with one provider: the local JWKS and the configured issuer."""
    return {
        "name": JWT_FILTER,
        "typed_config": {
            "@type": _JWT,
            "providers": {
                PROVIDER: {
                    "issuer": security.api_issuer,
                    "local_jwks": {"filename": str(security.api_jwks)},
                    "from_headers": [{"name": "Authorization", "value_prefix": "Bearer "}],
                    "forward": False,
                    "require_expiration": True,
                    "payload_in_metadata": PAYLOAD_KEY,
                }
            },
            "requirement_map": {REQUIREMENT: {"provider_name": PROVIDER}},
        },
    }


def rbac_filter() -> dict[str, Any]:
    """``rbac`` with no rules of its own: each protected route carries its policy."""
    return {"name": RBAC_FILTER, "typed_config": {"@type": _RBAC}}


def _role_is(role: Role) -> dict[str, Any]:
    return {
        "sourced_metadata": {
            "metadata_matcher": {
                "filter": JWT_FILTER,
                "path": [{"key": PAYLOAD_KEY}, {"key": ROLE_CLAIM}],
                "value": {"string_match": {"exact": role.value}},
            },
            "metadata_source": "DYNAMIC",
        }
    }


def _roles(access: Access) -> list[Role]:
    return [Role.VIEWER, Role.OPERATOR] if access is Access.READ else [Role.OPERATOR]


def route_filter_configs(access: Access) -> dict[str, Any]:
    """The ``typed_per_filter_config`` entries that make a route need ``access``."""
    if access is Access.OPEN:
        return {JWT_FILTER: {"@type": _JWT_ROUTE, "disabled": True}}
    return {
        JWT_FILTER: {"@type": _JWT_ROUTE, "requirement_name": REQUIREMENT},
        RBAC_FILTER: {
            "@type": _RBAC_ROUTE,
            "rbac": {
                "rules": {
                    "action": "ALLOW",
                    "policies": {
                        "role": {
                            "permissions": [{"any": True}],
                            "principals": [_role_is(role) for role in _roles(access)],
                        }
                    },
                }
            },
        },
    }


def _protect_manager(
    manager: dict[str, Any], security: SecuritySettings, methods: Mapping[str, Access]
) -> None:
    filters = manager["http_filters"]
    router = next(i for i, item in enumerate(filters) if item["name"] == _ROUTER_FILTER)
    filters[router:router] = [jwt_filter(security), rbac_filter()]
    for host in manager["route_config"]["virtual_hosts"]:
        for route in host["routes"]:
            configs = route.setdefault("typed_per_filter_config", {})
            configs.update(route_filter_configs(route_access(route, methods)))


def protected(
    listeners: list[dict[str, Any]],
    security: SecuritySettings,
    services: Iterable[ServiceDescriptor],
) -> list[dict[str, Any]]:
    """``listeners`` with every HTTP connection manager protected; unchanged without
    ``CSMS_API_AUTH=jwt``."""
    if security.api_auth is not ApiAuth.JWT:
        return listeners
    methods = method_access(services)
    result = copy.deepcopy(listeners)
    for listener in result:
        for chain in listener.get("filter_chains", []):
            for network_filter in chain.get("filters", []):
                if network_filter["name"] == _HCM_FILTER:
                    _protect_manager(network_filter["typed_config"], security, methods)
    return result
