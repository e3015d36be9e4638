"""launcher.envoy_errors and the route timeouts: every listener answers its own errors as
JSON, and no REST route gives up before the component behind it does. What a client then
really receives is in tests/e2e/test_rest_errors.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from edge.session import RESPONSE_TIMEOUT
from launcher.envoy_clusters import EDGE_GRPC
from launcher.envoy_config import build
from launcher.envoy_errors import LOCAL_ERRORS, UNKNOWN
from launcher.protogen import DESCRIPTOR_SET
from servicekit.settings import Settings


def _managers(config: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        network_filter["typed_config"]
        for listener in config["static_resources"]["listeners"]
        for chain in listener["filter_chains"]
        for network_filter in chain["filters"]
    ]


def _config(tmp_path: Path, **variables: str) -> dict[str, Any]:
    settings = Settings.from_env({"CSMS_DATA_DIR": str(tmp_path), **variables})
    return build(settings, str(DESCRIPTOR_SET))


def test_every_listener_shapes_each_error_status_as_a_status_json(tmp_path: Path) -> None:
    managers = _managers(_config(tmp_path, CSMS_OCPP_TLS_PORT="4443"))
    assert len(managers) == 4
    for manager in managers:
        mappers = manager["local_reply_config"]["mappers"]
        comparisons = [m["filter"]["status_code_filter"]["comparison"] for m in mappers]
        assert [(c["op"], c["value"]["default_value"]) for c in comparisons] == [
            *(("EQ", e.status) for e in LOCAL_ERRORS),
            ("GE", 400),
        ]
        for mapper in mappers:
            body = mapper["body_format_override"]
            assert body["content_type"] == "application/json"
            assert set(body["json_format"]) == {"code", "message", "details"}
        assert mappers[-1]["body_format_override"]["json_format"]["code"] == UNKNOWN
        # No top-level format: a successful local reply (GET /openapi.json) stays as it is.
        assert "body_format" not in manager["local_reply_config"]


def test_every_rest_route_outlasts_the_longest_wait_of_a_component(tmp_path: Path) -> None:
    timeouts = [
        route["route"]["timeout"]
        for manager in _managers(_config(tmp_path))
        for host in manager["route_config"]["virtual_hosts"]
        for route in host["routes"]
        if route.get("route", {}).get("cluster")
        in {EDGE_GRPC, "chargepoint", "transaction", "auth"}
    ]
    assert timeouts
    for timeout in timeouts:
        # "0s" is no timeout at all (the stream of live events, which never ends by itself).
        assert timeout == "0s" or float(timeout.removesuffix("s")) > RESPONSE_TIMEOUT
