"""The storage part of the settings (``settings.storage``): where each service keeps its
data, and how much one station can make the CSMS keep.

Read by the three services (each its own database URL; chargepoint_svc and transaction_svc
the bounds, the journal retention and the purge interval) and by the launcher, which
migrates every database. The bounds' variables are documented in :data:`STORAGE_VARIABLES`,
which the settings merge into their own table, the others in
:data:`servicekit.settings.VARIABLES`. What each bound covers is in the README's "Storage
bounds" table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from servicekit.security_settings import SettingsError

STORAGE_VARIABLES: dict[str, tuple[str, str]] = {
    "CSMS_JOURNAL_MAX_BYTES": (
        "16777216",
        "Journal bytes kept per charge point (payload characters plus 256 per entry); the"
        " oldest entries beyond it are deleted by the purge.",
    ),
    "CSMS_STATION_EVENTS_MAX": (
        "10000",
        "Security events, and NotifyEvent events, kept per charge point (each); the oldest"
        " beyond it are deleted by the purge.",
    ),
    "CSMS_DEVICE_MODEL_MAX": (
        "50000",
        "Device model variable attributes, and monitors, kept per charge point (each); the"
        " least recently reported beyond it are deleted by the purge.",
    ),
    "CSMS_ORPHAN_REPORTS_MAX": (
        "1000",
        "Orphan reports (stops and meter values naming no transaction of the station) kept per"
        " charge point, reconciled or not; the oldest beyond it are deleted by the purge.",
    ),
    "CSMS_LOOSE_METER_VALUES_MAX": (
        "10000",
        "Meter values of no transaction (OCPP 1.6 MeterValues without transactionId) kept per"
        " charge point; the oldest beyond it are deleted by the purge.",
    ),
    "CSMS_PURGE_INTERVAL": (
        "300",
        "Seconds between the purges of chargepoint_svc and transaction_svc (journal retention"
        " and the bounds above).",
    ),
}


@dataclass(frozen=True)
class StorageSettings:
    chargepoint_database_url: str
    transaction_database_url: str
    auth_database_url: str
    """Each with its asyncio driver (:func:`with_async_driver`); SQLite in the data dir by
    default."""
    journal_retention_hours: float
    journal_max_bytes: int
    """Per charge point, counted as :data:`chargepoint_svc.retention.ENTRY_OVERHEAD` plus
    the payload's characters for each entry."""
    station_events_max: int
    device_model_max: int
    orphan_reports_max: int
    loose_meter_values_max: int
    purge_interval: float

    @classmethod
    def from_env(cls, raw: Callable[[str], str], data_dir: Path) -> StorageSettings:
        def database(name: str, service: str) -> str:
            given = raw(name) or raw("CSMS_DATABASE_URL")
            return with_async_driver(given) or f"sqlite+aiosqlite:///{data_dir / (service + '.db')}"

        retention_text = raw("CSMS_JOURNAL_RETENTION")
        try:
            retention = float(retention_text)
        except ValueError:
            raise SettingsError(
                f"CSMS_JOURNAL_RETENTION={retention_text!r} is not a number of hours"
            ) from None
        if retention <= 0:
            raise SettingsError("CSMS_JOURNAL_RETENTION must be greater than zero")
        interval_text = raw("CSMS_PURGE_INTERVAL")
        try:
            interval = float(interval_text)
        except ValueError:
            raise SettingsError(
                f"CSMS_PURGE_INTERVAL={interval_text!r} is not a number of seconds"
            ) from None
        if interval <= 0:
            raise SettingsError("CSMS_PURGE_INTERVAL must be greater than zero")
        return cls(
            chargepoint_database_url=database("CSMS_CHARGEPOINT_DATABASE_URL", "chargepoint"),
            transaction_database_url=database("CSMS_TRANSACTION_DATABASE_URL", "transaction"),
            auth_database_url=database("CSMS_AUTH_DATABASE_URL", "auth"),
            journal_retention_hours=retention,
            journal_max_bytes=_at_least(raw, "CSMS_JOURNAL_MAX_BYTES", 65536),
            station_events_max=_at_least(raw, "CSMS_STATION_EVENTS_MAX", 1),
            device_model_max=_at_least(raw, "CSMS_DEVICE_MODEL_MAX", 1),
            orphan_reports_max=_at_least(raw, "CSMS_ORPHAN_REPORTS_MAX", 1),
            loose_meter_values_max=_at_least(raw, "CSMS_LOOSE_METER_VALUES_MAX", 1),
            purge_interval=interval,
        )


# URL schemes without a driver, and the asyncio driver the services use for each.
_ASYNC_DRIVERS = {
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
}


def with_async_driver(url: str) -> str:
    """``url`` with the asyncio driver the services use when it names none, so an operator
    can give the plain ``postgresql://user:pw@host/db`` that every PostgreSQL tool takes."""
    scheme, separator, rest = url.partition("://")
    if not separator or scheme.lower() not in _ASYNC_DRIVERS:
        return url
    return f"{_ASYNC_DRIVERS[scheme.lower()]}://{rest}"


def _at_least(raw: Callable[[str], str], name: str, lowest: int) -> int:
    text = raw(name)
    try:
        value = int(text)
    except ValueError:
        raise SettingsError(f"{name}={text!r} is not a whole number") from None
    if value < lowest:
        raise SettingsError(f"{name}={value} must be at least {lowest}")
    return value
