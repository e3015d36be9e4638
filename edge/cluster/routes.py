"""A route: which edge replica holds a charge point's socket, as stored in Redis."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Route:
    charge_point_id: str
    connection: str
    """Unique per socket: a reconnect of the same charge point gets a new one."""
    replica: str
    address: str
    """The holding replica's EdgeService gRPC address, where calls are forwarded to."""
    ocpp_version: str
    connected_at: datetime
    remote_address: str

    @property
    def connected_at_ms(self) -> int:
        return int(self.connected_at.timestamp() * 1000)

    def fields(self) -> dict[str, str]:
        """The Redis hash of this route."""
        return {
            "charge_point_id": self.charge_point_id,
            "connection": self.connection,
            "replica": self.replica,
            "address": self.address,
            "ocpp_version": self.ocpp_version,
            "connected_at": str(self.connected_at_ms),
            "remote_address": self.remote_address,
        }

    @classmethod
    def from_fields(cls, fields: Mapping[str, str]) -> Route | None:
        """The route a Redis hash holds; None for an incomplete one (a route that expired
        while it was being read)."""
        try:
            return cls(
                charge_point_id=fields["charge_point_id"],
                connection=fields["connection"],
                replica=fields["replica"],
                address=fields["address"],
                ocpp_version=fields.get("ocpp_version", ""),
                connected_at=datetime.fromtimestamp(int(fields["connected_at"]) / 1000, UTC),
                remote_address=fields.get("remote_address", ""),
            )
        except (KeyError, ValueError):
            return None


@dataclass(frozen=True)
class Holder:
    """Another connection's claim on a route: the one a claim displaced, or lost to."""

    connection: str
    replica: str
    address: str
