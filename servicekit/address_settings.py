"""The per-source-address limits of the edge (``settings.addresses``): how many WebSocket
connections, and how many messages per second between them, one IP address may have.
The variables are documented in :data:`ADDRESS_VARIABLES`, merged into the settings' table.

Off by default, on in ``docker-compose.yml``: ``csms up`` is where benchmarks and tests run
thousands of stations from one host, and where a small fleet behind one NAT tries the CSMS
out; what address they come from depends on the host's network (a sandbox may show
loopback connections from its own public address), so no exemption list can tell them
from a flood. The README's "Hostile input" section has the trade-off.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass

from servicekit.security_settings import SettingsError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

ADDRESS_VARIABLES: dict[str, tuple[str, str]] = {
    "CSMS_MAX_CONNECTIONS_PER_ADDRESS": (
        "0",
        "WebSocket connections one source IP address may hold at once (more: HTTP 429 at the"
        " handshake); 0: no limit (compose: 1000).",
    ),
    "CSMS_ADDRESS_MESSAGE_RATE": (
        "0",
        "Messages per second the charge points of one source IP address may send together"
        " (burst: five seconds' worth); beyond it a CALL is refused as by CSMS_MESSAGE_RATE;"
        " 0: no limit (compose: 200).",
    ),
    "CSMS_ADDRESS_LIMIT_EXEMPT": (
        "127.0.0.0/8,::1/128",
        "Comma-separated networks (CIDR) the two limits above do not apply to, e.g. a carrier"
        " NAT or private APN that all your stations come from.",
    ),
}


@dataclass(frozen=True)
class AddressSettings:
    max_connections: int
    """0: no limit."""
    message_rate: float
    """0: no limit."""
    exempt: tuple[Network, ...]

    @classmethod
    def from_env(cls, raw: Callable[[str], str]) -> AddressSettings:
        connections_text = raw("CSMS_MAX_CONNECTIONS_PER_ADDRESS")
        try:
            connections = int(connections_text)
        except ValueError:
            raise SettingsError(
                f"CSMS_MAX_CONNECTIONS_PER_ADDRESS={connections_text!r} is not a whole number"
            ) from None
        rate_text = raw("CSMS_ADDRESS_MESSAGE_RATE")
        try:
            rate = float(rate_text)
        except ValueError:
            raise SettingsError(
                f"CSMS_ADDRESS_MESSAGE_RATE={rate_text!r} is not a number"
            ) from None
        if connections < 0 or not rate >= 0:
            raise SettingsError(
                "CSMS_MAX_CONNECTIONS_PER_ADDRESS and CSMS_ADDRESS_MESSAGE_RATE must be 0 (no"
                " limit) or more"
            )
        networks = []
        for entry in raw("CSMS_ADDRESS_LIMIT_EXEMPT").split(","):
            if not entry.strip():
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip(), strict=False))
            except ValueError:
                raise SettingsError(
                    f"CSMS_ADDRESS_LIMIT_EXEMPT: {entry.strip()!r} is not an IP network"
                    " (such as 10.0.0.0/8 or 2001:db8::/32)"
                ) from None
        return cls(max_connections=connections, message_rate=rate, exempt=tuple(networks))
