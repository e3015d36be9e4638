"""docker-compose.yml and the Dockerfile, checked as far as possible without a Docker engine."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from launcher.cli import _parser
from servicekit.settings import VARIABLES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return document


def _csms_services(compose: dict[str, Any]) -> dict[str, Any]:
    return {
        name: svc for name, svc in compose["services"].items() if svc.get("image") == "csms:latest"
    }


def test_topology_has_every_component(compose: dict[str, Any]) -> None:
    commands = {name: svc["command"] for name, svc in _csms_services(compose).items()}
    assert commands == {
        "migrate": ["csms", "migrate"],
        "chargepoint": ["csms", "chargepoint"],
        "transaction": ["csms", "transaction"],
        "auth": ["csms", "auth"],
        "edge": ["csms", "edge"],
        "envoy": ["csms", "envoy"],
    }
    assert "postgres" in compose["services"]


def test_every_command_is_a_real_csms_subcommand(compose: dict[str, Any]) -> None:
    parser = _parser()
    for name, service in _csms_services(compose).items():
        program, *args = service["command"]
        assert program == "csms", name
        parser.parse_args(args)  # exits (fails the test) on an unknown subcommand


def test_environment_names_are_real_settings(compose: dict[str, Any]) -> None:
    for name, service in _csms_services(compose).items():
        unknown = sorted(set(service["environment"]) - set(VARIABLES))
        assert unknown == [], f"{name} sets unknown variables {unknown}"


def test_database_urls_use_postgresql_and_the_compose_database(compose: dict[str, Any]) -> None:
    env = compose["services"]["chargepoint"]["environment"]
    postgres = compose["services"]["postgres"]["environment"]
    for key in ("CHARGEPOINT", "TRANSACTION", "AUTH"):
        url = env[f"CSMS_{key}_DATABASE_URL"]
        assert url.startswith("postgresql+asyncpg://")
        assert url.endswith(f"@postgres:5432/{postgres['POSTGRES_DB']}")


def test_healthchecks_probe_the_component_port(compose: dict[str, Any]) -> None:
    from launcher import probe

    assert callable(probe.main)
    env = compose["services"]["chargepoint"]["environment"]
    for name in ("chargepoint", "transaction", "auth", "edge"):
        test = compose["services"][name]["healthcheck"]["test"]
        assert test[:4] == ["CMD", "python", "-m", "launcher.probe"]
        port = test[4].rsplit(":", 1)[1]
        assert env[f"CSMS_{name.upper()}_ADDRESS"].endswith(f":{port}")


def test_dependencies_name_real_services(compose: dict[str, Any]) -> None:
    names = set(compose["services"])
    for service in compose["services"].values():
        assert set(service.get("depends_on", {})) <= names


def test_dockerfile_copies_paths_that_exist_and_runs_a_real_command() -> None:
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    for line in lines:
        if line.startswith("COPY "):
            *sources, _dest = shlex.split(line)[1:]
            for source in sources:
                assert (ROOT / source).exists(), source
    (cmd,) = [line for line in lines if line.startswith("CMD ")]
    program, *args = yaml.safe_load(cmd.removeprefix("CMD "))
    assert program == "csms"
    _parser().parse_args(args)
    assert any(re.match(r"RUN pip install .*-e \.", line) for line in lines)
