"""`csms up` refusing to start, clearly, when it cannot."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from tests.support.system import system_env


def _up(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "launcher.cli", "up"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_taken_port_stops_start_up_with_its_name(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = str(holder.getsockname()[1])
        result = _up(system_env(tmp_path, CSMS_OCPP_PORT=taken))
    assert result.returncode == 1
    assert f"port {taken}" in result.stderr
    assert "CSMS_OCPP_PORT=" in result.stderr
    # Nothing was started: no database files were created.
    assert not list(tmp_path.glob("*.db"))


def test_a_bad_setting_is_named(tmp_path: Path) -> None:
    result = _up(system_env(tmp_path, CSMS_ADMISSION_POLICY="sometimes"))
    assert result.returncode == 2
    assert "CSMS_ADMISSION_POLICY='sometimes'" in result.stderr
