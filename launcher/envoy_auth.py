"""API authentication at Envoy: bearer JWTs verified by ``jwt_authn``, roles by ``rbac``.

With ``CSMS_API_AUTH=jwt`` every HTTP connection manager Envoy runs decides who may call
before anything looks at what was asked: ``jwt_authn`` and a first ``rbac`` run ahead of
the transcoder, so a request without a valid token is 401 and a role that may not make it
is 403 even when its path value or body is wrong (the transcoder's 400 would otherwise come
first and tell an anonymous client about the API). They see the request as sent:

========================================  =================================================
request                                   needs
========================================  =================================================
Envoy's own documents (``GET              nothing
/openapi.json``) and the OCPP WebSocket   (charge points prove who they are with OCPP
(the routes to the edge's WebSocket       security profiles at the edge)
cluster)
the operator console's pages (``/`` and   nothing at Envoy: the console asks the operator
``/console/...``, the routes to its       for a token and sends it on each API call it
cluster)                                  makes, where this table applies (ADR 0019)
``GetHealth`` of every component, at its  nothing (load balancers, monitoring)
REST paths or its gRPC path
``GET`` anything; a native gRPC call of   a token with role viewer or operator
a method whose bindings are all ``GET``
anything else                             a token with role operator
========================================  =================================================

A second ``rbac``, after the transcoder, checks the method the request became: the
transcoder rewrites a REST request's path to its gRPC method (``GET /connections``
becomes ``/csms.edge.v1.EdgeService/ListConnections``) and clears the route cache, so that
filter sees the route of the method itself, one per method on every listener, and each
such route carries the policy of its method (viewer or operator for a method whose
bindings are all ``GET``, operator for any other). The first filter keeps the order of
refusals; the second keeps the rule exact whatever path led to the method.

``GET /services`` (``ListServices``) is not a health endpoint: it lists every component's
address, so it needs a token like any other read.

Refusals come back as JSON in the transcoder's error shape (``{"code", "message",
"details"}``): a missing, malformed, expired or foreign token is 401 (``jwt_authn``; Envoy
also sends ``WWW-Authenticate: Bearer``), a token whose role does not allow the request is
403 (``rbac``). Both are Envoy local replies, shaped as JSON by
:mod:`launcher.envoy_errors` with the messages below.

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
from launcher.envoy_console import CONSOLE
from servicekit.security_settings import ApiAuth, SecuritySettings

PROVIDER = "csms"
REQUIREMENT = "api_token"
PAYLOAD_KEY = "jwt_payload"
JWT_FILTER = "envoy.filters.http.jwt_authn"
RBAC_FILTER = "envoy.filters.http.rbac"
# The rbac ahead of the transcoder; its own name, so the routes' policies (keyed by
# RBAC_FILTER) do not replace its rules.
REQUEST_RBAC_FILTER = "csms.rbac.request"
_TRANSCODER_FILTER = "envoy.filters.http.grpc_json_transcoder"
_ROUTER_FILTER = "envoy.filters.http.router"
_HCM_FILTER = "envoy.filters.network.http_connection_manager"
_JWT = "type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication"
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


def _paths(rule: Any) -> list[str]:
    """The REST paths of a ``google.api.HttpRule`` and its additional bindings."""
    paths = [str(getattr(rule, str(rule.WhichOneof("pattern"))))]
    for binding in rule.additional_bindings:
        paths += _paths(binding)
    return paths


def open_method_paths(services: Iterable[ServiceDescriptor]) -> list[str]:
    """Every path of the open methods (``GetHealth``): their REST paths and gRPC paths."""
    paths = []
    for service in services:
        for method in service.methods:
            options = method.GetOptions()
            if method.name != "GetHealth" or not options.HasExtension(annotations_pb2.http):
                continue
            rest = _paths(options.Extensions[annotations_pb2.http])
            # Matched exactly below: a template would need a pattern the transcoder agrees on.
            if any("{" in path for path in rest):
                raise ValueError(f"{method.full_name}: an open method's path has a variable")
            paths += [*rest, f"/{service.full_name}/{method.name}"]
    return paths


def route_access(route: Mapping[str, Any], methods: Mapping[str, Access]) -> Access:
    """What ``route`` needs: see the table in the module docstring."""
    if "direct_response" in route or "redirect" in route:
        return Access.OPEN
    # The console's pages: it asks for a token itself and sends it on its API calls.
    if route.get("route", {}).get("cluster") in {EDGE_WS, CONSOLE}:
        return Access.OPEN
    path = route.get("match", {}).get("path")
    return methods.get(path, Access.WRITE) if isinstance(path, str) else Access.WRITE


def jwt_filter(security: SecuritySettings, open_matches: list[dict[str, Any]]) -> dict[str, Any]:
    """``jwt_authn`` with one provider, the local JWKS and the configured issuer, required
    of every request but those ``open_matches`` (route matches) select."""
    rules: list[dict[str, Any]] = [{"match": match} for match in open_matches]
    rules.append({"match": {"prefix": "/"}, "requirement_name": REQUIREMENT})
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
            "rules": rules,
        },
    }


def rbac_filter() -> dict[str, Any]:
    """The ``rbac`` after the transcoder, with no rules of its own: each method's route
    carries its policy."""
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


def _url_path(match: Mapping[str, Any]) -> dict[str, Any]:
    """The permission of a route match's path (exact or prefix), and of its headers."""
    kind = "path" if "path" in match else "prefix"
    rules: list[dict[str, Any]] = [
        {"url_path": {"path": {"exact" if kind == "path" else "prefix": match[kind]}}}
    ]
    rules += [{"header": header} for header in match.get("headers", [])]
    return rules[0] if len(rules) == 1 else {"and_rules": {"rules": rules}}


def request_rbac_filter(
    open_matches: list[dict[str, Any]], read_methods: list[str]
) -> dict[str, Any]:
    """The ``rbac`` ahead of the transcoder: the request table in the module docstring."""
    policies = {
        "open": {
            "permissions": [_url_path(match) for match in open_matches],
            "principals": [{"any": True}],
        },
        "read": {
            "permissions": [
                {"header": _method_is("GET")},
                *({"url_path": {"path": {"exact": path}}} for path in read_methods),
            ],
            "principals": [_role_is(role) for role in _roles(Access.READ)],
        },
        "write": {
            "permissions": [{"any": True}],
            "principals": [_role_is(role) for role in _roles(Access.WRITE)],
        },
    }
    return {
        "name": REQUEST_RBAC_FILTER,
        "typed_config": {"@type": _RBAC, "rules": {"action": "ALLOW", "policies": policies}},
    }


def _method_is(verb: str) -> dict[str, Any]:
    return {"name": ":method", "string_match": {"exact": verb}}


def _roles(access: Access) -> list[Role]:
    return [Role.VIEWER, Role.OPERATOR] if access is Access.READ else [Role.OPERATOR]


def route_filter_configs(access: Access) -> dict[str, Any]:
    """The ``typed_per_filter_config`` entries that make a method's route need ``access``
    (the token itself was required, or not, ahead of the transcoder)."""
    if access is Access.OPEN:
        return {}
    return {
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


def _open_matches(manager: Mapping[str, Any], open_paths: list[str]) -> list[dict[str, Any]]:
    """What needs no token on this connection manager: the open methods' paths, and its
    routes that are open themselves (documents, the WebSocket), not its 404s."""
    matches: list[dict[str, Any]] = [{"path": path} for path in open_paths]
    for host in manager["route_config"]["virtual_hosts"]:
        for route in host["routes"]:
            answer = route.get("direct_response", {}).get("status", 200)
            if route_access(route, {}) is Access.OPEN and answer < 400:
                matches.append(route["match"])
    return matches


def _protect_manager(
    manager: dict[str, Any],
    security: SecuritySettings,
    methods: Mapping[str, Access],
    open_paths: list[str],
) -> None:
    filters = manager["http_filters"]
    names = [item["name"] for item in filters]
    first = names.index(_TRANSCODER_FILTER) if _TRANSCODER_FILTER in names else len(names) - 1
    open_matches = _open_matches(manager, open_paths)
    read = [path for path, access in methods.items() if access is Access.READ]
    filters[first:first] = [
        jwt_filter(security, open_matches),
        request_rbac_filter(open_matches, read),
    ]
    router = next(i for i, item in enumerate(filters) if item["name"] == _ROUTER_FILTER)
    filters[router:router] = [rbac_filter()]
    for host in manager["route_config"]["virtual_hosts"]:
        for route in host["routes"]:
            configs = route_filter_configs(route_access(route, methods))
            if configs:
                route.setdefault("typed_per_filter_config", {}).update(configs)


def protected(
    listeners: list[dict[str, Any]],
    security: SecuritySettings,
    services: Iterable[ServiceDescriptor],
) -> list[dict[str, Any]]:
    """``listeners`` with every HTTP connection manager protected; unchanged without
    ``CSMS_API_AUTH=jwt``."""
    if security.api_auth is not ApiAuth.JWT:
        return listeners
    services = list(services)
    methods = method_access(services)
    open_paths = open_method_paths(services)
    result = copy.deepcopy(listeners)
    for listener in result:
        for chain in listener.get("filter_chains", []):
            for network_filter in chain.get("filters", []):
                if network_filter["name"] == _HCM_FILTER:
                    _protect_manager(network_filter["typed_config"], security, methods, open_paths)
    return result
