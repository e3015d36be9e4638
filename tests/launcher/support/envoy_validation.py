"""Asking the real Envoy whether it accepts a configuration (``envoy --mode validate``)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from launcher.envoy_tls import ensure_certificates
from launcher.supervisor import envoy_binary
from servicekit.settings import Settings


def validate_with_envoy(settings: Settings, config: dict[str, Any], path: Path) -> None:
    """Fail unless the real Envoy accepts ``config`` (written to ``path``). Envoy reads
    the TLS listener's files to validate it, so they are made first, as ``csms up`` does."""
    ensure_certificates(settings.security)
    path.write_text(json.dumps(config))
    result = subprocess.run(
        [envoy_binary(settings), "--mode", "validate", "-c", str(path), "--disable-hot-restart"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout + result.stderr
