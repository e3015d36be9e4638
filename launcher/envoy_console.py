"""The operator console behind the API gateway: Envoy routes ``/`` and ``/console/...`` to it.

The console is a web application and a client of the REST API (docs/adr/0019): Envoy
forwards its pages as plain HTTP, with the transcoder off, and the console calls
``/api/v1/...`` back through the same gateway with the operator's own token. Its routes
need no API token at Envoy: the console asks the operator for one and sends it on every
API call, where Envoy checks it as it checks anyone's (:mod:`launcher.envoy_auth` treats the
console's cluster as open, like the documents and the WebSocket).
"""

from __future__ import annotations

from typing import Any

from launcher.envoy_clusters import Upstream
from servicekit.console_settings import ConsoleSettings

CONSOLE = "console"
PREFIX = "/console/"
# The live page updates: a Server-Sent Events stream held open while a page is.
LIVE_PREFIX = "/console/live"
# An operation's page waits for the station's answer through the API, which waits at most
# the edge's response timeout plus a margin (launcher.envoy_config.ROUTE_TIMEOUT).
PAGE_TIMEOUT = 60.0

_TRANSCODER_NAME = "envoy.filters.http.grpc_json_transcoder"
_FILTER_CONFIG = "type.googleapis.com/envoy.config.route.v3.FilterConfig"


def upstream(console: ConsoleSettings) -> list[Upstream]:
    """The console's cluster, when it runs."""
    return [Upstream(CONSOLE, [console.address], http2=False)] if console.enabled else []


def _plain() -> dict[str, Any]:
    return {_TRANSCODER_NAME: {"@type": _FILTER_CONFIG, "disabled": True}}


def routes(console: ConsoleSettings) -> list[dict[str, Any]]:
    """The gateway's routes to the console (none when it is off): ``/`` redirects to it."""
    if not console.enabled:
        return []
    return [
        {
            "match": {"path": "/"},
            "redirect": {"path_redirect": PREFIX, "response_code": "FOUND"},
            "typed_per_filter_config": _plain(),
        },
        {
            "match": {"prefix": LIVE_PREFIX},
            # Held as long as the page is open; the console sends a comment every few
            # seconds, so the connection manager's idle timeout never fires either.
            "route": {"cluster": CONSOLE, "timeout": "0s"},
            "typed_per_filter_config": _plain(),
        },
        {
            "match": {"prefix": "/console"},
            "route": {"cluster": CONSOLE, "timeout": f"{PAGE_TIMEOUT:g}s"},
            "typed_per_filter_config": _plain(),
        },
    ]
