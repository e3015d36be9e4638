"""The console part of the settings (``settings.console``): where the operator console
listens, where Envoy reaches it, and the public REST API it calls.

The console is a client of the API gateway like any other (docs/adr/0019): it reads
nothing else, so the one address it needs is the gateway's. The variables are documented
in :data:`servicekit.settings.VARIABLES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from servicekit.security_settings import SettingsError, positive

# What the console answers 200 at once it serves; `csms up` waits for it, and Envoy's
# health check of the console reads it.
HEALTH_PATH = "/console/-/health"

CONSOLE_VARIABLES: dict[str, tuple[str, str]] = {
    "CSMS_CONSOLE": (
        "on",
        "on: `csms up` runs the operator console, served by Envoy at /console/ on the API"
        " gateway port; off: it does not (the API answers as before).",
    ),
    "CSMS_CONSOLE_PORT": ("4020", "Internal: the console's own HTTP port, behind Envoy."),
    "CSMS_CONSOLE_ADDRESS": (
        "",
        "host:port at which Envoy reaches the console (default: internal host and port).",
    ),
    "CSMS_CONSOLE_API_URL": (
        "",
        "The public REST API the console calls, e.g. http://envoy:3000 (default: the API"
        " gateway on this machine).",
    ),
    "CSMS_CONSOLE_SAMPLE_INTERVAL": (
        "10",
        "Seconds between the console's samples of GET /api/v1/statistics, charted over the"
        " last hour on its System page.",
    ),
    "CSMS_CONSOLE_API_TOKEN": (
        "",
        "A viewer token the console samples statistics with when CSMS_API_AUTH=jwt"
        " (`csms token create --role viewer`); unset: it samples without one, and its"
        " System page says its charts need this variable when the API refuses.",
    ),
}


@dataclass(frozen=True)
class ConsoleSettings:
    enabled: bool
    host: str
    """What the console binds to (the internal host)."""
    port: int
    address: str
    """``host:port`` at which Envoy reaches it."""
    api_url: str
    """Base URL of the public REST API, without a trailing slash."""
    sample_interval: int
    api_token: str = field(default="", repr=False)
    """The console's own token for its samples of the statistics ("": none); never an
    operator's, and never printed."""

    @classmethod
    def from_env(
        cls, raw: Callable[[str], str], *, internal_host: str, public_host: str, gateway_port: int
    ) -> ConsoleSettings:
        switch = raw("CSMS_CONSOLE").lower()
        if switch not in {"on", "off"}:
            raise SettingsError(f"CSMS_CONSOLE={switch!r} is not on or off")
        port_text = raw("CSMS_CONSOLE_PORT")
        if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
            raise SettingsError(f"CSMS_CONSOLE_PORT={port_text} is not a TCP port (0-65535)")
        port = int(port_text)
        reach = internal_host if internal_host not in {"0.0.0.0", "::"} else "127.0.0.1"
        gateway_host = public_host if public_host not in {"0.0.0.0", "::"} else "127.0.0.1"
        api_url = raw("CSMS_CONSOLE_API_URL") or f"http://{gateway_host}:{gateway_port}"
        if not api_url.startswith(("http://", "https://")):
            raise SettingsError(
                f"CSMS_CONSOLE_API_URL={api_url!r} is not an http:// or https:// URL"
            )
        return cls(
            enabled=switch == "on",
            host=internal_host,
            port=port,
            address=raw("CSMS_CONSOLE_ADDRESS") or f"{reach}:{port}",
            api_url=api_url.rstrip("/"),
            sample_interval=positive(
                "CSMS_CONSOLE_SAMPLE_INTERVAL", raw("CSMS_CONSOLE_SAMPLE_INTERVAL")
            ),
            api_token=raw("CSMS_CONSOLE_API_TOKEN").strip(),
        )
