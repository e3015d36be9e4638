"""The observability part of the settings: log format, Prometheus endpoints and the
message journal. Read by :class:`servicekit.settings.Settings` (``settings.observability``);
the variables are documented in its ``VARIABLES``."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from servicekit.security_settings import SettingsError

# Offsets from CSMS_METRICS_PORT, by component; edge replica i: EDGE + i.
METRICS_OFFSETS = {"chargepoint": 1, "transaction": 2, "auth": 3, "edge": 10}


class LogFormat(enum.StrEnum):
    TEXT = "text"
    JSON = "json"


@dataclass(frozen=True)
class ObservabilitySettings:
    log_format: LogFormat
    metrics_port: int
    """The base port; 0: no /metrics endpoints."""
    journal: bool
    journal_retention_hours: float

    def metrics_port_of(self, component: str, replica: int = 0) -> int:
        """The /metrics port of ``component`` (edge replica ``replica``, 0-based); 0 if off."""
        if self.metrics_port == 0:
            return 0
        return self.metrics_port + METRICS_OFFSETS[component] + replica

    @classmethod
    def from_env(cls, raw: Callable[[str], str]) -> ObservabilitySettings:
        format_text = raw("CSMS_LOG_FORMAT").lower()
        try:
            log_format = LogFormat(format_text)
        except ValueError:
            raise SettingsError(f"CSMS_LOG_FORMAT={format_text!r} is not text or json") from None
        port_text = raw("CSMS_METRICS_PORT")
        try:
            metrics_port = int(port_text)
        except ValueError:
            raise SettingsError(f"CSMS_METRICS_PORT={port_text!r} is not a whole number") from None
        if not 0 <= metrics_port <= 65535 - 64:
            raise SettingsError(f"CSMS_METRICS_PORT={metrics_port} is not a TCP port (0-65471)")
        journal_text = raw("CSMS_JOURNAL").lower()
        if journal_text not in {"on", "off"}:
            raise SettingsError(f"CSMS_JOURNAL={journal_text!r} is not on or off")
        retention_text = raw("CSMS_JOURNAL_RETENTION")
        try:
            retention = float(retention_text)
        except ValueError:
            raise SettingsError(
                f"CSMS_JOURNAL_RETENTION={retention_text!r} is not a number of hours"
            ) from None
        if retention <= 0:
            raise SettingsError("CSMS_JOURNAL_RETENTION must be greater than zero")
        return cls(
            log_format=log_format,
            metrics_port=metrics_port,
            journal=journal_text == "on",
            journal_retention_hours=retention,
        )
