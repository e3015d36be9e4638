"""Limits per source IP address: how many WebSocket connections one address may hold, and
one message bucket its charge points share (:class:`edge.rate_limit.RateLimit` takes from
it besides the station's own).

The per-station rate limit alone lets one host open hundreds of sockets, each at its own
full rate; two hundred from one address made a good station's answers thirty times slower.
The limits are per address rather than per station id because that is what such a host
cannot multiply. Many real stations share an address (a carrier NAT, a private APN), so
the defaults are generous for connections and count messages, which honest stations send
few of: a thousand stations at one message a minute are 17 messages/s.

The address is the station's as Envoy saw it: Envoy's OCPP listeners use the connection's
remote address (``use_remote_address``) and append it to ``X-Forwarded-For``, so the edge
reads the last entry; a station's own ``X-Forwarded-For`` entries come before it and are
ignored. Without the header (a client on the edge's own port, which only Envoy should
reach) the socket's peer counts. Pure but for the clock passed in.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from http import HTTPStatus

from websockets.datastructures import Headers

from edge.handshake import Refusal
from edge.rate_limit import Bucket
from servicekit.address_settings import AddressSettings

FORWARDED_FOR = "X-Forwarded-For"
# Seconds of the address's message rate it may send at once (at least one station's burst).
# The bucket lives while the address holds a connection.
BURST_SECONDS = 5


def source_address(headers: Headers, peer: str) -> str:
    """The station's address: the last ``X-Forwarded-For`` entry (Envoy's), else ``peer``."""
    forwarded = headers.get_all(FORWARDED_FOR)
    if forwarded:
        last = forwarded[-1].rsplit(",", 1)[-1].strip()
        if last:
            return last
    return peer


class SourceAddresses:
    """The connections held and the shared message bucket of every limited address."""

    def __init__(
        self,
        settings: AddressSettings,
        station_burst: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``station_burst``: CSMS_MESSAGE_BURST; an address may send at least what one
        station may send at once."""
        self._settings = settings
        self._burst = station_burst
        self._clock = clock
        self._connections: dict[str, int] = {}
        self._buckets: dict[str, Bucket] = {}

    def _exempt(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip("[]"))
        except ValueError:
            return False  # not an IP address: counted under its text
        return any(ip in network for network in self._settings.exempt)

    def reserve(self, address: str) -> Refusal | None:
        """Count one more connection of ``address``, or the refusal (429) when it holds
        as many as it may; each reservation is :meth:`release`\\ d once."""
        if self._exempt(address):
            return None
        held = self._connections.get(address, 0)
        limit = self._settings.max_connections
        if limit and held >= limit:
            return Refusal(
                HTTPStatus.TOO_MANY_REQUESTS,
                f"too many connections from {address}: at most {limit} per source address "
                "(CSMS_MAX_CONNECTIONS_PER_ADDRESS); retry later",
            )
        self._connections[address] = held + 1
        return None

    def release(self, address: str) -> None:
        held = self._connections.get(address, 0)
        if held <= 1:
            self._connections.pop(address, None)
            self._buckets.pop(address, None)
        else:
            self._connections[address] = held - 1

    def bucket(self, address: str) -> Bucket | None:
        """The message bucket the connections of ``address`` share; None: not limited."""
        rate = self._settings.message_rate
        if not rate or self._exempt(address):
            return None
        bucket = self._buckets.get(address)
        if bucket is None:
            burst = max(round(rate * BURST_SECONDS), self._burst)
            bucket = self._buckets[address] = Bucket(rate, burst, self._clock())
        return bucket

    def held(self, address: str) -> int:
        return self._connections.get(address, 0)
