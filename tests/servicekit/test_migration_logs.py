"""What a person sees of the migrations ``csms migrate`` and ``csms up`` apply: one line per
service, not Alembic's INFO lines (its plugins, its context, every revision), which show
with ``LOG_LEVEL=DEBUG``; a failure is still said."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ALEMBIC_INFO = ("logger=alembic", "Running upgrade")


def migrate(data_dir: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSMS_")}
    env.pop("LOG_LEVEL", None)
    env.update({"CSMS_DATA_DIR": str(data_dir), **variables})
    return subprocess.run(
        [sys.executable, "-m", "launcher.cli", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_migrations_print_one_line_per_service(tmp_path: Path) -> None:
    result = migrate(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert not [line for line in output.splitlines() if any(w in line for w in ALEMBIC_INFO)]
    assert [line.split(":")[0] for line in output.splitlines()] == [
        "migrated chargepoint",
        "migrated transaction",
        "migrated auth",
    ]


def test_debug_shows_every_revision(tmp_path: Path) -> None:
    result = migrate(tmp_path, LOG_LEVEL="DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Running upgrade  -> 0001_chargepoint_initial" in result.stderr


def test_a_failed_migration_is_still_said(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    result = migrate(tmp_path, CSMS_CHARGEPOINT_DATABASE_URL=f"sqlite+aiosqlite:///{blocked}/cp.db")
    assert result.returncode == 1
    assert "csms migrate: chargepoint database" in result.stderr
