"""What the console reads from API answers: small typed records, parsed once.

The API's JSON is the source (lowerCamelCase, enums by name, int64 as strings); these
records keep what pages show and nothing the API did not say. Rules stay in the services:
the console formats, groups and sorts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from console.rendering import station_key

POWER = "Power.Active.Import"
ENERGY = "Energy.Active.Import.Register"
SOC = "SoC"


@dataclass(frozen=True)
class Evse:
    evse_id: int
    connector_id: int
    status: str
    error_code: str
    info: str
    status_at: str

    @property
    def faulted(self) -> bool:
        return self.status == "FAULTED" or self.error_code not in {"", "NoError"}


@dataclass(frozen=True)
class Station:
    id: str
    registration: str
    vendor: str
    model: str
    serial_number: str
    firmware_version: str
    ocpp_version: str
    last_boot_at: str
    last_seen_at: str
    firmware_status: str
    diagnostics_status: str
    created_at: str
    evses: tuple[Evse, ...]
    raw: dict[str, Any]

    @property
    def key(self) -> str:
        return station_key(self.id)

    @property
    def outlets(self) -> tuple[Evse, ...]:
        """The EVSEs a driver uses (EVSE 0 is the station as a whole)."""
        return tuple(e for e in self.evses if e.evse_id > 0)

    @property
    def station_status(self) -> Evse | None:
        return next((e for e in self.evses if e.evse_id == 0), None)


def station(body: dict[str, Any]) -> Station:
    connectors = sorted(
        (
            Evse(
                int(c.get("evseId", 0)),
                int(c.get("connectorId", 0)),
                str(c.get("status", "STATUS_UNSPECIFIED")),
                str(c.get("errorCode", "")),
                str(c.get("info", "")),
                str(c.get("statusAt", "")),
            )
            for c in body.get("connectors", [])
        ),
        key=lambda e: (e.evse_id, e.connector_id),
    )
    return Station(
        id=str(body.get("id", "")),
        registration=str(body.get("registrationStatus", "")),
        vendor=str(body.get("vendor", "")),
        model=str(body.get("model", "")),
        serial_number=str(body.get("serialNumber", "")),
        firmware_version=str(body.get("firmwareVersion", "")),
        ocpp_version=str(body.get("ocppVersion", "")),
        last_boot_at=str(body.get("lastBootAt", "")),
        last_seen_at=str(body.get("lastSeenAt", "")),
        firmware_status=str(body.get("firmwareStatus", "")),
        diagnostics_status=str(body.get("diagnosticsStatus", "")),
        created_at=str(body.get("createdAt", "")),
        evses=tuple(connectors),
        raw=body,
    )


@dataclass(frozen=True)
class Sample:
    at: str
    power_w: float | None
    energy_wh: float | None
    soc: float | None


def _in_base_unit(value: float, unit: str) -> float:
    return value * 1000 if unit.lower() in {"kw", "kwh"} else value


def samples(transaction: dict[str, Any]) -> tuple[Sample, ...]:
    """The power, energy register and state of charge of each meter value, in W and Wh."""
    points = []
    for meter_value in transaction.get("meterValues", []):
        found: dict[str, float] = {}
        for sampled in meter_value.get("sampledValues", []):
            measurand = sampled.get("measurand") or ENERGY
            if sampled.get("phase"):
                continue
            try:
                value = float(sampled.get("value", 0))
            except (TypeError, ValueError):
                continue
            if measurand in {POWER, ENERGY, SOC} and measurand not in found:
                found[measurand] = _in_base_unit(value, str(sampled.get("unit", "")))
        if found:
            points.append(
                Sample(
                    str(meter_value.get("timestamp", "")),
                    found.get(POWER),
                    found.get(ENERGY),
                    found.get(SOC),
                )
            )
    return tuple(sorted(points, key=lambda s: s.at))


def latest_power(transaction: dict[str, Any]) -> float | None:
    for sample in reversed(samples(transaction)):
        if sample.power_w is not None:
            return sample.power_w
    return None
