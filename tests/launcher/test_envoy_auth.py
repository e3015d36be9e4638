"""Envoy's API authentication pieces: which route needs what, the filters on every
listener, and the whole configuration accepted by the real Envoy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from launcher.api_tokens import ensure_jwks
from launcher.envoy_auth import (
    JWT_FILTER,
    RBAC_FILTER,
    REQUEST_RBAC_FILTER,
    Access,
    method_access,
    protected,
    route_access,
)
from launcher.envoy_config import build, services
from launcher.protogen import DESCRIPTOR_SET
from servicekit.settings import Settings
from tests.launcher.support.envoy_validation import validate_with_envoy


def _settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env(
        {"CSMS_DATA_DIR": str(tmp_path), "CSMS_PUBLIC_HOST": "127.0.0.1", **env}
    )


def _jwt(tmp_path: Path, **env: str) -> Settings:
    return _settings(tmp_path, CSMS_API_AUTH="jwt", **env)


def _managers(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every listener's HTTP connection manager, by listener name."""
    found = {}
    for listener in config["static_resources"]["listeners"]:
        for chain in listener["filter_chains"]:
            for item in chain["filters"]:
                if item["name"] == "envoy.filters.network.http_connection_manager":
                    found[listener["name"]] = item["typed_config"]
    return found


def _routes(manager: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for host in manager["route_config"]["virtual_hosts"] for r in host["routes"]]


def _methods() -> dict[str, Access]:
    return method_access(service for service, _cluster in services().values())


def test_real_envoy_accepts_the_protected_configuration(tmp_path: Path) -> None:
    settings = _jwt(tmp_path, CSMS_API_ISSUER="https://csms.example")
    ensure_jwks(settings.security)
    validate_with_envoy(settings, build(settings, str(DESCRIPTOR_SET)), tmp_path / "envoy.json")


def test_without_api_auth_nothing_changes(tmp_path: Path) -> None:
    config = build(_settings(tmp_path), str(DESCRIPTOR_SET))
    for manager in _managers(config).values():
        names = [f["name"] for f in manager["http_filters"]]
        assert JWT_FILTER not in names and RBAC_FILTER not in names


def _filter(manager: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [f["typed_config"] for f in manager["http_filters"] if f["name"] == name]
    return found


def _open_without_token(manager: dict[str, Any]) -> list[dict[str, Any]]:
    """The matches jwt_authn asks no token of; its last rule asks one of everything else."""
    rules = _filter(manager, JWT_FILTER)["rules"]
    assert rules[-1] == {"match": {"prefix": "/"}, "requirement_name": "api_token"}
    assert all(set(rule) == {"match"} for rule in rules[:-1])
    return [rule["match"] for rule in rules[:-1]]


def test_every_listener_decides_who_may_call_before_the_transcoder(tmp_path: Path) -> None:
    config = build(_jwt(tmp_path), str(DESCRIPTOR_SET))
    managers = _managers(config)
    assert {"ocpp", "chargepoint_api", "api_gateway"} <= set(managers)
    assert len(managers) == len(config["static_resources"]["listeners"])
    for name, manager in managers.items():
        filters = [f["name"] for f in manager["http_filters"]]
        # Token and role ahead of the transcoder (so its 400s come after 401/403), the
        # method's own policy after it (it sees the route of the method the request became).
        assert filters == [
            "envoy.filters.http.buffer",
            JWT_FILTER,
            REQUEST_RBAC_FILTER,
            "envoy.filters.http.grpc_json_transcoder",
            RBAC_FILTER,
            "envoy.filters.http.router",
        ], name


def test_the_tls_listener_is_protected_like_the_plain_one(tmp_path: Path) -> None:
    config = build(_jwt(tmp_path, CSMS_OCPP_TLS_PORT="4443"), str(DESCRIPTOR_SET))
    (tls,) = [
        listener
        for listener in config["static_resources"]["listeners"]
        if any("transport_socket" in chain for chain in listener["filter_chains"])
    ]
    manager = _managers(config)[tls["name"]]
    assert {"prefix": "/ocpp"} in _open_without_token(manager)
    send = _route(manager, "/csms.edge.v1.EdgeService/Send")
    assert _allowed_roles(send) == ["operator"]


def test_the_provider_is_the_configured_issuer_and_jwks(tmp_path: Path) -> None:
    jwks = tmp_path / "elsewhere" / "keys.json"
    config = build(
        _jwt(tmp_path, CSMS_API_ISSUER="https://idp.example", CSMS_API_JWKS=str(jwks)),
        str(DESCRIPTOR_SET),
    )
    manager = _managers(config)["api_gateway"]
    (jwt,) = [f for f in manager["http_filters"] if f["name"] == JWT_FILTER]
    (provider,) = jwt["typed_config"]["providers"].values()
    assert provider["issuer"] == "https://idp.example"
    assert provider["local_jwks"] == {"filename": str(jwks)}
    assert provider["require_expiration"] is True
    # The components never see the token.
    assert provider["forward"] is False


def test_what_each_method_needs_follows_its_http_binding() -> None:
    methods = _methods()
    edge, chargepoint = "/csms.edge.v1.EdgeService/", "/csms.chargepoint.v1.ChargePointService/"
    for health in (
        f"{edge}GetHealth",
        f"{chargepoint}GetHealth",
        "/csms.transaction.v1.TransactionService/GetHealth",
        "/csms.auth.v1.AuthService/GetHealth",
    ):
        assert methods[health] is Access.OPEN
    # GET /services lists every component's address: a read, not a health check.
    assert methods[f"{edge}ListServices"] is Access.READ
    assert methods[f"{edge}ListConnections"] is Access.READ
    assert methods[f"{edge}WatchEvents"] is Access.READ  # GET /api/v1/events: a viewer may watch
    assert methods[f"{chargepoint}GetChargePoint"] is Access.READ
    assert methods[f"{chargepoint}CreateChargePoint"] is Access.WRITE  # POST
    assert methods[f"{edge}Disconnect"] is Access.WRITE  # DELETE
    assert methods[f"{edge}ChangeConfiguration"] is Access.WRITE  # PUT
    assert methods[f"{edge}Send"] is Access.WRITE
    # Internal RPCs have no route, so they need no entry.
    assert f"{chargepoint}RecordBoot" not in methods


def test_routes_nobody_knows_need_an_operator() -> None:
    assert route_access({"match": {"prefix": "/new"}, "route": {"cluster": "x"}}, {}) is (
        Access.WRITE
    )
    assert route_access({"match": {"path": "/a.B/C"}, "route": {"cluster": "x"}}, {}) is (
        Access.WRITE
    )


def _route(manager: dict[str, Any], path: str) -> dict[str, Any]:
    (found,) = [
        r for r in _routes(manager) if (r["match"].get("path") or r["match"].get("prefix")) == path
    ]
    return found


def _catch_all(manager: dict[str, Any]) -> dict[str, Any]:
    """The gateway's last route: a 404 for any path it does not serve."""
    (found,) = [r for r in _routes(manager) if r["match"].get("prefix") == "/"]
    return found


def _allowed_roles(route: dict[str, Any]) -> list[str]:
    policy = route["typed_per_filter_config"][RBAC_FILTER]["rbac"]["rules"]
    assert policy["action"] == "ALLOW"
    (rules,) = policy["policies"].values()
    return [
        p["sourced_metadata"]["metadata_matcher"]["value"]["string_match"]["exact"]
        for p in rules["principals"]
    ]


def test_what_needs_no_token_is_health_documents_and_the_websocket(tmp_path: Path) -> None:
    managers = _managers(build(_jwt(tmp_path), "/generated/descriptors.pb"))
    ocpp, gateway = managers["ocpp"], managers["api_gateway"]
    document = {"path": "/openapi.json", "headers": [_get()]}
    assert _open_without_token(ocpp) == [
        *_health_paths(),
        {"prefix": "/ocpp"},  # charge points: OCPP security profiles, not API tokens
        document,
    ]
    # The gateway's 404s are not open: a client without a token learns nothing of the paths.
    # The console's pages are: it asks the operator for a token and sends it on every API
    # call it makes, where this same policy applies.
    assert _open_without_token(gateway) == [
        *_health_paths(),
        document,
        {"path": "/"},
        {"prefix": "/console/live"},
        {"prefix": "/console"},
    ]


def _get() -> dict[str, Any]:
    return {"name": ":method", "string_match": {"exact": "GET"}}


def _health_paths() -> list[dict[str, str]]:
    paths = []
    for service, _cluster in services().values():
        rest = {
            "edge": ["/health", "/api/v1/edge/health"],
            "ChargePointService": ["/health", "/api/v1/chargepoint/health"],
            "TransactionService": ["/api/v1/transaction/health"],
            "AuthService": ["/api/v1/auth/health"],
        }
        key = "edge" if service.name == "EdgeService" else service.name
        paths += [{"path": p} for p in rest[key]]
        paths.append({"path": f"/{service.full_name}/GetHealth"})
    return paths


def test_the_request_policy_lets_viewers_read_and_operators_do_everything(
    tmp_path: Path,
) -> None:
    manager = _managers(build(_jwt(tmp_path), "/d.pb"))["chargepoint_api"]
    policies = _filter(manager, REQUEST_RBAC_FILTER)["rules"]["policies"]
    assert policies["open"]["principals"] == [{"any": True}]
    assert {"url_path": {"path": {"exact": "/health"}}} in policies["open"]["permissions"]
    read = policies["read"]["permissions"]
    assert read[0] == {"header": _get()}
    # A native gRPC call of a method bound to GET is a POST: read by its path.
    listing = "/csms.chargepoint.v1.ChargePointService/ListChargePoints"
    assert {"url_path": {"path": {"exact": listing}}} in read
    create = "/csms.chargepoint.v1.ChargePointService/CreateChargePoint"
    assert {"url_path": {"path": {"exact": create}}} not in read
    assert policies["write"]["permissions"] == [{"any": True}]
    roles = {
        name: [
            p["sourced_metadata"]["metadata_matcher"]["value"]["string_match"]["exact"]
            for p in policy["principals"]
        ]
        for name, policy in policies.items()
        if name != "open"
    }
    assert roles == {"read": ["viewer", "operator"], "write": ["operator"]}


def test_each_method_route_carries_its_policy(tmp_path: Path) -> None:
    managers = _managers(build(_jwt(tmp_path), "/generated/descriptors.pb"))
    ocpp, gateway = managers["ocpp"], managers["api_gateway"]
    for route in (
        _route(ocpp, "/ocpp"),
        _route(ocpp, "/openapi.json"),
        _route(ocpp, "/csms.edge.v1.EdgeService/GetHealth"),
        _catch_all(gateway),
        _route(gateway, "/console"),
        _route(gateway, "/console/live"),
    ):
        assert RBAC_FILTER not in route.get("typed_per_filter_config", {})
    # The transcoder stays disabled where it was, and is off for the console's pages.
    for route in (_catch_all(gateway), _route(gateway, "/console")):
        assert route["typed_per_filter_config"]["envoy.filters.http.grpc_json_transcoder"][
            "disabled"
        ]
    read = _route(gateway, "/csms.edge.v1.EdgeService/ListServices")
    assert _allowed_roles(read) == ["viewer", "operator"]
    write = _route(ocpp, "/csms.edge.v1.EdgeService/Send")
    assert _allowed_roles(write) == ["operator"]
    methods = _methods()
    for name, manager in managers.items():
        for route in _routes(manager):
            path = route["match"].get("path")
            if methods.get(path, Access.OPEN) is not Access.OPEN:
                assert RBAC_FILTER in route["typed_per_filter_config"], (name, path)


def test_any_listener_handed_in_is_protected(tmp_path: Path) -> None:
    """A listener another module adds (a TLS one) gets the same filters and policies."""
    settings = _jwt(tmp_path)
    extra: dict[str, Any] = {
        "name": "extra",
        "filter_chains": [
            {
                "transport_socket": {"name": "envoy.transport_sockets.tls"},
                "filters": [
                    {
                        "name": "envoy.filters.network.http_connection_manager",
                        "typed_config": {
                            "http_filters": [{"name": "envoy.filters.http.router"}],
                            "route_config": {
                                "virtual_hosts": [
                                    {
                                        "routes": [
                                            {
                                                "match": {"prefix": "/ocpp"},
                                                "route": {"cluster": "edge_ws"},
                                            }
                                        ]
                                    }
                                ]
                            },
                        },
                    }
                ],
            }
        ],
    }
    (done,) = protected([extra], settings.security, [s for s, _ in services().values()])
    manager = done["filter_chains"][0]["filters"][0]["typed_config"]
    assert [f["name"] for f in manager["http_filters"]] == [
        JWT_FILTER,
        REQUEST_RBAC_FILTER,
        RBAC_FILTER,
        "envoy.filters.http.router",
    ]
    assert {"prefix": "/ocpp"} in _open_without_token(manager)
    # The caller's listener is not changed in place.
    assert (
        "typed_per_filter_config"
        not in extra["filter_chains"][0]["filters"][0]["typed_config"]["route_config"][
            "virtual_hosts"
        ][0]["routes"][0]
    )


@pytest.mark.parametrize("auth", ["none", "jwt"])
def test_both_settings_keep_the_same_routes(tmp_path: Path, auth: str) -> None:
    plain = build(_settings(tmp_path), "/d.pb")
    chosen = build(_settings(tmp_path, CSMS_API_AUTH=auth), "/d.pb")
    for name, manager in _managers(chosen).items():
        before = _routes(_managers(plain)[name])
        assert [r["match"] for r in _routes(manager)] == [r["match"] for r in before]
