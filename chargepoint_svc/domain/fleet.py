"""The fleet as a whole (issue 14): which charge points an operator asks for, and the
counts of the fleet summary.

Pure values: the SQL adapter answers both with a few queries, the in-memory twin with
:meth:`ChargePointFilter.matches` and :func:`worst_status`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from chargepoint_svc.domain.charge_point import (
    ChargePoint,
    ConnectorStatus,
    RegistrationStatus,
)
from chargepoint_svc.errors import InvalidFilter
from servicekit.pagination import filter_scope

OCPP_VERSIONS = ("1.6", "2.0.1", "2.1")
# The most vendors and models a summary lists (the console's filter choices).
MAX_DISTINCT_VALUES = 100
# The longest query the filter takes: longer than any field it searches is no use.
QUERY_MAX_LENGTH = 100

# A station's state at a glance is the worst of its connectors': a fault before an
# unavailable connector, before one that is in use, before one that is free.
WORST_FIRST: tuple[ConnectorStatus, ...] = (
    ConnectorStatus.FAULTED,
    ConnectorStatus.UNAVAILABLE,
    ConnectorStatus.SUSPENDED_EVSE,
    ConnectorStatus.SUSPENDED_EV,
    ConnectorStatus.CHARGING,
    ConnectorStatus.OCCUPIED,
    ConnectorStatus.PREPARING,
    ConnectorStatus.FINISHING,
    ConnectorStatus.RESERVED,
    ConnectorStatus.AVAILABLE,
)


def worst_status(charge_point: ChargePoint) -> ConnectorStatus | None:
    """The worst status of the station's connectors; None when it reported none."""
    statuses = {connector.status for connector in charge_point.connectors}
    return next((status for status in WORST_FIRST if status in statuses), None)


@dataclass(frozen=True)
class ChargePointFilter:
    """Which charge points to list; every field empty or None matches every one.

    ``query`` is a case-insensitive substring of the id, vendor, model or serial number;
    ``vendor`` and ``model`` match the whole value, case-insensitively; the others match
    exactly. ``connector_status`` matches a station with at least one connector in it.
    """

    query: str = ""
    vendor: str = ""
    model: str = ""
    ocpp_version: str = ""
    registration_status: RegistrationStatus | None = None
    connector_status: ConnectorStatus | None = None
    firmware_version: str = ""

    def __post_init__(self) -> None:
        if self.ocpp_version and self.ocpp_version not in OCPP_VERSIONS:
            raise InvalidFilter(
                f"ocpp_version must be one of {', '.join(OCPP_VERSIONS)}, "
                f"got {self.ocpp_version[:20]!r}"
            )
        for name in ("query", "vendor", "model", "firmware_version"):
            if "\x00" in getattr(self, name):
                # PostgreSQL text cannot hold NUL: no stored value has it.
                raise InvalidFilter(f"{name} must not contain NUL characters")
        if len(self.query) > QUERY_MAX_LENGTH:
            raise InvalidFilter(
                f"query is {len(self.query)} characters long; at most {QUERY_MAX_LENGTH}"
            )

    @property
    def scope(self) -> str:
        """The page token scope of these filters (:func:`servicekit.pagination.filter_scope`)."""
        return filter_scope(*dataclasses.astuple(self))

    def matches(self, charge_point: ChargePoint) -> bool:
        boot = charge_point.boot
        query = self.query.lower()
        searched = (charge_point.id, boot.vendor, boot.model, boot.serial_number)
        return (
            (not query or any(query in text.lower() for text in searched))
            and (not self.vendor or boot.vendor.lower() == self.vendor.lower())
            and (not self.model or boot.model.lower() == self.model.lower())
            and (not self.ocpp_version or boot.ocpp_version == self.ocpp_version)
            and (
                self.registration_status is None
                or charge_point.registration_status is self.registration_status
            )
            and (
                self.connector_status is None
                or any(c.status is self.connector_status for c in charge_point.connectors)
            )
            and (not self.firmware_version or boot.firmware_version == self.firmware_version)
        )


@dataclass(frozen=True)
class FleetSummary:
    """The counts of the whole fleet. Every mapping has every key the domain knows (0 when
    none match); ``stations_by_worst_status`` counts stations that reported no status
    under None."""

    total_stations: int
    stations_by_registration_status: dict[RegistrationStatus, int]
    stations_by_ocpp_version: dict[str, int]
    stations_never_booted: int
    stations_by_worst_status: dict[ConnectorStatus | None, int]
    connectors_by_status: dict[ConnectorStatus, int]
    last_status_change_at: datetime | None
    # (value, stations), most stations first, then by value; at most MAX_DISTINCT_VALUES.
    vendors: tuple[tuple[str, int], ...]
    models: tuple[tuple[str, int], ...]


def top_values(counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    """The non-empty values, most counted first, then by value, at most
    :data:`MAX_DISTINCT_VALUES`."""
    ordered = sorted(
        ((value, count) for value, count in counts.items() if value),
        key=lambda item: (-item[1], item[0]),
    )
    return tuple(ordered[:MAX_DISTINCT_VALUES])
