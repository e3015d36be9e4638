"""The observability part of the settings (``settings.observability``): log level and
format, Prometheus endpoints and whether the message journal is kept.

Read by every process's entry point (logging, and the /metrics endpoint the launcher serves
beside each component) and by the edge, which journals frames when the journal is on (how
long entries are kept is storage: :mod:`servicekit.storage_settings`). The variables are
documented in :data:`servicekit.settings.VARIABLES`."""

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
    log_level: str
    log_format: LogFormat
    metrics_port: int
    """The base port; 0: no /metrics endpoints."""
    journal: bool

    def metrics_port_of(self, component: str, replica: int = 0) -> int:
        """The /metrics port of ``component`` (edge replica ``replica``, 0-based); 0 if off."""
        if self.metrics_port == 0:
            return 0
        return self.metrics_port + METRICS_OFFSETS[component] + replica

    @classmethod
    def from_env(cls, raw: Callable[[str], str]) -> ObservabilitySettings:
        log_level = raw("LOG_LEVEL").upper()
        if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise SettingsError(f"LOG_LEVEL={log_level!r} is not DEBUG, INFO, WARNING or ERROR")
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
        return cls(
            log_level=log_level,
            log_format=log_format,
            metrics_port=metrics_port,
            journal=journal_text == "on",
        )
