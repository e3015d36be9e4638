"""OCPP over TLS at Envoy: security profiles 2 and 3 (OCPP 1.6 security whitepaper,
2.0.1 A00).

A second OCPP listener on ``CSMS_OCPP_TLS_PORT`` serves exactly what the plain OCPP
listener serves (the WebSocket endpoint and the OCPP gateway REST API, with the same
filters): it is a copy of it with a TLS transport socket. Envoy presents the server
certificate and, when the client presents a certificate, verifies it against the CSMS CA
(a certificate from another CA fails the TLS handshake); a client without a certificate
is let through (profile 2 stations have none) and auth_svc decides at the WebSocket
handshake what the charge point's profile asks for.

The listener serves two certificates issued by the CSMS CA, an ECDSA (P-256) and an RSA
one, with the TLS 1.2 suites OCPP 2.0.1 Part 2 A00.FR.318 requires: ECDHE-ECDSA with
AES-GCM, which need the ECDSA certificate, and the RSA key exchange with AES-GCM, which
needs the RSA one. Envoy picks the ECDSA certificate for a client that offers an ECDSA
suite and signature algorithm, the RSA one otherwise (ADR 0016). TLS 1.2 and 1.3 only
(A00.FR.313: never below 1.2).

The edge learns what TLS established from two headers Envoy sets and that no client can
set itself:

- ``x-forwarded-proto``: ``https`` on this listener, ``http`` on the plain one
  (overwritten on both, whatever the client sent);
- ``x-forwarded-client-cert``: on this listener, the verified certificate's hash,
  subject, URI and DNS SANs (``SANITIZE_SET``); removed on the plain one (``SANITIZE``).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from servicekit.pki import ensure_authority, ensure_server_certificate
from servicekit.security_settings import SecuritySettings

OCPP_LISTENER = "ocpp"
TLS_LISTENER = "ocpp_tls"
_TLS_SOCKET = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext"
_FORWARDED_PROTO = "x-forwarded-proto"
# TLS 1.2 suites (OpenSSL/BoringSSL names). The first four are OCPP 2.0.1 A00.FR.318's;
# ECDHE-RSA keeps forward secrecy for clients that have only RSA suites with ECDHE.
# TLS 1.3 suites are not configurable in Envoy and are all AES-GCM or ChaCha20.
CIPHER_SUITES = (
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "AES128-GCM-SHA256",
    "AES256-GCM-SHA384",
)


def ensure_certificates(security: SecuritySettings) -> None:
    """Embedded mode needs no preparation: the first start with the TLS listener on makes
    the CSMS CA and a server certificate for localhost (files given by the operator are
    only read). No-op when the listener is off."""
    if not security.ocpp_tls_port:
        return
    authority = ensure_authority(security.ca_cert, security.ca_key)
    ensure_server_certificate(authority, security.tls_cert, security.tls_key)
    ensure_server_certificate(authority, security.tls_rsa_cert, security.tls_rsa_key, rsa_key=True)
    # Envoy takes at most one certificate of each kind; say which file is wrong rather
    # than let Envoy refuse its whole configuration.
    _expect_key(security.tls_cert, "CSMS_TLS_CERT", ec.EllipticCurvePublicKey, "an ECDSA")
    _expect_key(security.tls_rsa_cert, "CSMS_TLS_RSA_CERT", rsa.RSAPublicKey, "an RSA")


def _expect_key(path: Path, variable: str, kind: type, what: str) -> None:
    certificate = x509.load_pem_x509_certificate(path.read_bytes())
    if not isinstance(certificate.public_key(), kind):
        raise ValueError(f"{variable}={path} must be {what} certificate")


def with_tls(listeners: list[dict[str, Any]], security: SecuritySettings) -> list[dict[str, Any]]:
    """``listeners`` with the plain OCPP listener's forwarded headers locked down and,
    when ``CSMS_OCPP_TLS_PORT`` is not 0, the TLS OCPP listener after it."""
    result = []
    for listener in listeners:
        if listener["name"] != OCPP_LISTENER:
            result.append(listener)
            continue
        plain = copy.deepcopy(listener)
        _forwarding(plain, proto="http", client_cert="SANITIZE")
        result.append(plain)
        if security.ocpp_tls_port:
            result.append(tls_listener(listener, security))
    return result


def tls_listener(ocpp: dict[str, Any], security: SecuritySettings) -> dict[str, Any]:
    """A copy of the plain OCPP listener on the TLS port, terminating TLS."""
    listener = copy.deepcopy(ocpp)
    listener["name"] = TLS_LISTENER
    listener["address"]["socket_address"]["port_value"] = security.ocpp_tls_port
    _forwarding(listener, proto="https", client_cert="SANITIZE_SET")
    manager = _manager(listener)
    manager["stat_prefix"] = TLS_LISTENER
    manager["route_config"]["name"] = TLS_LISTENER
    manager["set_current_client_cert_details"] = {"subject": True, "uri": True, "dns": True}
    for chain in listener["filter_chains"]:
        chain["transport_socket"] = _transport_socket(security)
    return listener


def _transport_socket(security: SecuritySettings) -> dict[str, Any]:
    return {
        "name": "envoy.transport_sockets.tls",
        "typed_config": {
            "@type": _TLS_SOCKET,
            # Profile 2 stations present no certificate; profile 3 is checked per charge
            # point at the WebSocket handshake.
            "require_client_certificate": False,
            "common_tls_context": {
                "tls_params": {
                    "tls_minimum_protocol_version": "TLSv1_2",
                    "tls_maximum_protocol_version": "TLSv1_3",
                    "cipher_suites": list(CIPHER_SUITES),
                },
                "tls_certificates": [
                    {
                        "certificate_chain": {"filename": _path(security.tls_cert)},
                        "private_key": {"filename": _path(security.tls_key)},
                    },
                    {
                        "certificate_chain": {"filename": _path(security.tls_rsa_cert)},
                        "private_key": {"filename": _path(security.tls_rsa_key)},
                    },
                ],
                # A presented certificate must chain to the CSMS CA.
                "validation_context": {"trusted_ca": {"filename": _path(security.ca_cert)}},
                # WebSocket upgrades are HTTP/1.1 (RFC 6455); OCPP stations speak nothing else.
                "alpn_protocols": ["http/1.1"],
            },
        },
    }


def _forwarding(listener: dict[str, Any], *, proto: str, client_cert: str) -> None:
    manager = _manager(listener)
    manager["forward_client_cert_details"] = client_cert
    route_config = manager["route_config"]
    added = [
        entry
        for entry in route_config.get("request_headers_to_add", [])
        if entry["header"]["key"] != _FORWARDED_PROTO
    ]
    added.append(
        {
            "header": {"key": _FORWARDED_PROTO, "value": proto},
            "append_action": "OVERWRITE_IF_EXISTS_OR_ADD",
        }
    )
    route_config["request_headers_to_add"] = added


def _manager(listener: dict[str, Any]) -> dict[str, Any]:
    (chain,) = listener["filter_chains"]
    for network_filter in chain["filters"]:
        if network_filter["name"] == "envoy.filters.network.http_connection_manager":
            manager: dict[str, Any] = network_filter["typed_config"]
            return manager
    raise ValueError(f"listener {listener['name']} has no HTTP connection manager")


def _path(path: Path) -> str:
    return str(path.resolve())


def banner_lines(security: SecuritySettings, host: str) -> list[str]:
    """What ``csms up`` says about OCPP over TLS and the minimum security profile."""
    lines = []
    if security.ocpp_tls_port:
        lines += [
            f"  OCPP over TLS        wss://{host}:{security.ocpp_tls_port}/ocpp/{{chargePointId}}"
            "  (security profiles 2 and 3)",
            f"  CSMS CA              {_path(security.ca_cert)}  (stations trust it for wss://;"
            " it signs their client certificates)",
        ]
    minimum = security.min_security_profile
    lines.append(
        f"  Security profile     at least {minimum}"
        + (
            "  (charge points without credentials connect unauthenticated: not for production)"
            if minimum == 0
            else ""
        )
    )
    return lines
