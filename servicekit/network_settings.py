"""The network part of the settings (``settings.network``): where each component listens
and how the others reach it, for one edge or several replicas.

Every component reads it: a service for its own host and port, the addresses of the
components it calls and the deadline of those calls; the edge for its two ports, the
services' addresses and its replicas' (the whole list is what the services balance over);
the launcher for the public listeners it hands Envoy and the ports it reserves. The
variables are documented in :data:`servicekit.settings.VARIABLES`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass

from servicekit.security_settings import SettingsError, positive, whole_number


@dataclass(frozen=True)
class NetworkSettings:
    public_host: str
    """What Envoy's public listeners bind to."""
    ocpp_port: int
    chargepoint_api_port: int
    api_gateway_port: int
    internal_host: str
    """What the edge and the services bind their own ports to."""
    edge_ws_port: int
    edge_grpc_port: int
    chargepoint_grpc_port: int
    transaction_grpc_port: int
    auth_grpc_port: int
    edge_address: str
    """The replicas' gRPC addresses, comma-separated (one entry for a single edge)."""
    edge_ws_address: str
    edge_replicas: int
    edge_advertise_address: str
    """Empty: :func:`edge.cluster.replica.advertised_address` works it out."""
    chargepoint_address: str
    transaction_address: str
    auth_address: str
    grpc_timeout: float
    """The deadline of one call between components, in seconds."""

    @property
    def edge_addresses(self) -> list[str]:
        """The edge replicas' gRPC addresses (one entry for a single edge)."""
        return split_addresses(self.edge_address)

    @property
    def edge_ws_addresses(self) -> list[str]:
        """The edge replicas' WebSocket addresses, for Envoy."""
        return split_addresses(self.edge_ws_address)

    @classmethod
    def from_env(cls, raw: Callable[[str], str]) -> NetworkSettings:
        internal = raw("CSMS_INTERNAL_HOST")

        def port(name: str) -> int:
            value = whole_number(name, raw(name))
            if not 0 <= value <= 65535:
                raise SettingsError(f"{name}={value} is not a TCP port (0-65535)")
            return value

        def address(name: str, port_value: int) -> str:
            return raw(name) or f"{internal}:{port_value}"

        def replica_addresses(name: str, first_port: int) -> str:
            given = raw(name)
            if given:
                return ",".join(split_addresses(given))
            return ",".join(f"{internal}:{first_port + i}" for i in range(replicas))

        timeout_text = raw("CSMS_GRPC_TIMEOUT")
        try:
            grpc_timeout = float(timeout_text)
        except ValueError:
            raise SettingsError(f"CSMS_GRPC_TIMEOUT={timeout_text!r} is not a number") from None
        if grpc_timeout <= 0:
            raise SettingsError("CSMS_GRPC_TIMEOUT must be greater than zero")
        replicas = positive("CSMS_EDGE_REPLICAS", raw("CSMS_EDGE_REPLICAS"))
        edge_grpc_port = port("CSMS_EDGE_GRPC_PORT")
        edge_address = _edge_list(replica_addresses("CSMS_EDGE_ADDRESS", edge_grpc_port))
        edge_ws_port = port("CSMS_EDGE_WS_PORT")
        chargepoint_grpc_port = port("CSMS_CHARGEPOINT_GRPC_PORT")
        transaction_grpc_port = port("CSMS_TRANSACTION_GRPC_PORT")
        auth_grpc_port = port("CSMS_AUTH_GRPC_PORT")
        return cls(
            public_host=raw("CSMS_PUBLIC_HOST"),
            ocpp_port=port("CSMS_OCPP_PORT"),
            chargepoint_api_port=port("CSMS_CHARGEPOINT_API_PORT"),
            api_gateway_port=port("CSMS_API_GATEWAY_PORT"),
            internal_host=internal,
            edge_ws_port=edge_ws_port,
            edge_grpc_port=edge_grpc_port,
            chargepoint_grpc_port=chargepoint_grpc_port,
            transaction_grpc_port=transaction_grpc_port,
            auth_grpc_port=auth_grpc_port,
            edge_address=edge_address,
            edge_ws_address=replica_addresses("CSMS_EDGE_WS_ADDRESS", edge_ws_port),
            edge_replicas=replicas,
            edge_advertise_address=raw("CSMS_EDGE_ADVERTISE_ADDRESS"),
            chargepoint_address=address("CSMS_CHARGEPOINT_ADDRESS", chargepoint_grpc_port),
            transaction_address=address("CSMS_TRANSACTION_ADDRESS", transaction_grpc_port),
            auth_address=address("CSMS_AUTH_ADDRESS", auth_grpc_port),
            grpc_timeout=grpc_timeout,
        )


def split_addresses(text: str) -> list[str]:
    """The ``host:port`` entries of a comma-separated list (blanks dropped)."""
    return [entry.strip() for entry in text.split(",") if entry.strip()]


def _edge_list(edge_address: str) -> str:
    """CSMS_EDGE_ADDRESS: several replicas only as IP addresses (gRPC balances over those)."""
    entries = split_addresses(edge_address)
    if len(entries) > 1 and not all(_is_ip(entry.rpartition(":")[0]) for entry in entries):
        raise SettingsError(
            f"CSMS_EDGE_ADDRESS={edge_address!r}: a list of replicas must give IP "
            "addresses (gRPC clients balance over them); use one host name that resolves "
            "to every replica instead (as docker compose's service name does)"
        )
    return edge_address


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
