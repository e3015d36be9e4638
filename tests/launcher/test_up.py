"""`csms up`'s flags, and `csms up` refusing to start, clearly, when it cannot."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from launcher.cli import _parser, apply_up_flags
from servicekit.settings import Settings
from tests.support.ports import free_port
from tests.support.system import system_env


def _up(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _up_with(env)


def _up_with(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "launcher.cli", "up", *args],
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


def test_flags_set_their_variables_and_win_over_the_environment() -> None:
    args = _parser().parse_args(
        [
            "up",
            "--replicas",
            "3",
            "--database",
            "postgresql://csms:secret@db.example:5432/csms",
            "--redis",
            "redis://cache.example:6379/0",
        ]
    )
    env = {"CSMS_EDGE_REPLICAS": "1", "CSMS_DATABASE_URL": "sqlite:///elsewhere.db"}
    apply_up_flags(args, env)
    settings = Settings.from_env(env)
    assert settings.network.edge_replicas == 3
    assert settings.cluster.redis_url == "redis://cache.example:6379/0"
    # The plain URL gets the asyncio driver the services use.
    assert (
        settings.storage.chargepoint_database_url
        == settings.storage.transaction_database_url
        == settings.storage.auth_database_url
        == "postgresql+asyncpg://csms:secret@db.example:5432/csms"
    )
    assert settings.network.edge_addresses == [
        "127.0.0.1:50054",
        "127.0.0.1:50055",
        "127.0.0.1:50056",
    ]


def test_replicas_without_redis_are_refused(tmp_path: Path) -> None:
    result = _up_with(system_env(tmp_path, CSMS_EDGE_REPLICAS="1"), "--replicas", "2")
    assert result.returncode == 2
    assert "CSMS_EDGE_REPLICAS=2 needs CSMS_REDIS_URL" in result.stderr


def test_a_redis_that_does_not_answer_stops_start_up_with_its_url(tmp_path: Path) -> None:
    url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    result = _up_with(system_env(tmp_path, replicas=2), "--replicas", "2", "--redis", url)
    assert result.returncode == 1, result.stderr
    shown = url.replace("hunter2", "***")
    assert f"Redis at {shown} does not answer" in result.stderr
    assert "hunter2" not in result.stderr
    assert not list(tmp_path.glob("*.db")), "nothing may start before Redis answers"
