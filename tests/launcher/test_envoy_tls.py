"""launcher.envoy_tls: the TLS OCPP listener is the OCPP listener over TLS, and neither
listener passes on what a client says about TLS or its certificate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from launcher.envoy_config import build
from launcher.envoy_tls import banner_lines, ensure_certificates
from launcher.protogen import DESCRIPTOR_SET
from servicekit.pki import load_authority
from servicekit.settings import Settings
from tests.launcher.support.envoy_validation import validate_with_envoy
from tests.support.ports import free_port


def _settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env(
        {
            "CSMS_DATA_DIR": str(tmp_path),
            "CSMS_PUBLIC_HOST": "127.0.0.1",
            "CSMS_OCPP_TLS_PORT": str(free_port()),
            **env,
        }
    )


def _listeners(settings: Settings) -> dict[str, dict[str, Any]]:
    config = build(settings, str(DESCRIPTOR_SET))
    return {item["name"]: item for item in config["static_resources"]["listeners"]}


def _manager(listener: dict[str, Any]) -> dict[str, Any]:
    manager: dict[str, Any] = listener["filter_chains"][0]["filters"][0]["typed_config"]
    return manager


def _forwarded_proto(listener: dict[str, Any]) -> list[dict[str, Any]]:
    added = _manager(listener)["route_config"]["request_headers_to_add"]
    return [entry for entry in added if entry["header"]["key"] == "x-forwarded-proto"]


def test_the_tls_listener_serves_the_ocpp_routes_over_tls(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    listeners = _listeners(settings)
    plain, secure = listeners["ocpp"], listeners["ocpp_tls"]
    assert secure["address"]["socket_address"] == {
        "address": "127.0.0.1",
        "port_value": settings.security.ocpp_tls_port,
    }
    routes = _manager(plain)["route_config"]["virtual_hosts"]
    assert _manager(secure)["route_config"]["virtual_hosts"] == routes
    assert _manager(secure)["http_filters"] == _manager(plain)["http_filters"]
    context = secure["filter_chains"][0]["transport_socket"]["typed_config"]
    assert context["require_client_certificate"] is False
    common = context["common_tls_context"]
    assert common["validation_context"]["trusted_ca"]["filename"] == str(
        settings.security.ca_cert.resolve()
    )
    assert [item["certificate_chain"]["filename"] for item in common["tls_certificates"]] == [
        str(settings.security.tls_cert.resolve()),
        str(settings.security.tls_rsa_cert.resolve()),
    ]
    # OCPP 2.0.1 A00.FR.318's four suites, TLS 1.2 and 1.3 only.
    assert {
        "AES128-GCM-SHA256",
        "AES256-GCM-SHA384",
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384",
    } <= set(common["tls_params"]["cipher_suites"])
    assert common["tls_params"]["tls_minimum_protocol_version"] == "TLSv1_2"
    assert common["tls_params"]["tls_maximum_protocol_version"] == "TLSv1_3"
    assert "transport_socket" not in plain["filter_chains"][0]


def test_forwarded_headers_are_envoys_own(tmp_path: Path) -> None:
    listeners = _listeners(_settings(tmp_path))
    plain, secure = listeners["ocpp"], listeners["ocpp_tls"]
    assert _manager(plain)["forward_client_cert_details"] == "SANITIZE"
    assert _manager(secure)["forward_client_cert_details"] == "SANITIZE_SET"
    assert _manager(secure)["set_current_client_cert_details"] == {
        "subject": True,
        "uri": True,
        "dns": True,
    }
    for listener, proto in ((plain, "http"), (secure, "https")):
        assert _forwarded_proto(listener) == [
            {
                "header": {"key": "x-forwarded-proto", "value": proto},
                "append_action": "OVERWRITE_IF_EXISTS_OR_ADD",
            }
        ]


def test_port_0_turns_the_tls_listener_off(tmp_path: Path) -> None:
    listeners = _listeners(_settings(tmp_path, CSMS_OCPP_TLS_PORT="0"))
    assert "ocpp_tls" not in listeners
    # The plain listener is locked down all the same.
    assert _manager(listeners["ocpp"])["forward_client_cert_details"] == "SANITIZE"


def test_real_envoy_accepts_the_tls_listener(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    validate_with_envoy(settings, build(settings, str(DESCRIPTOR_SET)), tmp_path / "envoy.json")


def test_the_first_start_makes_the_ca_and_a_server_certificate_then_keeps_them(
    tmp_path: Path,
) -> None:
    security = _settings(tmp_path).security
    ensure_certificates(security)
    authority = load_authority(security.ca_cert, security.ca_key)
    server = security.tls_cert.read_text()
    assert security.tls_key.stat().st_mode & 0o077 == 0
    assert security.tls_rsa_key.stat().st_mode & 0o077 == 0
    for path, kind in (
        (security.tls_cert, ec.EllipticCurvePublicKey),
        (security.tls_rsa_cert, rsa.RSAPublicKey),
    ):
        certificate = x509.load_pem_x509_certificate(path.read_bytes())
        assert isinstance(certificate.public_key(), kind)
        assert certificate.issuer == authority.certificate.subject
    assert security.ca_key.stat().st_mode & 0o077 == 0
    ensure_certificates(security)
    assert security.tls_cert.read_text() == server
    assert load_authority(security.ca_cert, security.ca_key).certificate == authority.certificate


def test_a_certificate_of_the_wrong_kind_is_named(tmp_path: Path) -> None:
    """Envoy takes one certificate of each kind: an RSA certificate in CSMS_TLS_CERT
    would leave it two RSA ones, so the start says which variable is wrong."""
    security = _settings(tmp_path).security
    ensure_certificates(security)
    swapped = _settings(
        tmp_path,
        CSMS_TLS_CERT=str(security.tls_rsa_cert),
        CSMS_TLS_KEY=str(security.tls_rsa_key),
    ).security
    with pytest.raises(ValueError, match=r"CSMS_TLS_CERT=.* must be an ECDSA certificate"):
        ensure_certificates(swapped)


def test_nothing_is_made_with_the_listener_off(tmp_path: Path) -> None:
    security = _settings(tmp_path, CSMS_OCPP_TLS_PORT="0").security
    ensure_certificates(security)
    assert not security.pki_dir.exists()


def test_the_banner_gives_the_wss_url_and_the_ca(tmp_path: Path) -> None:
    security = _settings(tmp_path, CSMS_OCPP_TLS_PORT="4443").security
    text = "\n".join(banner_lines(security, "localhost"))
    assert "wss://localhost:4443/ocpp/{chargePointId}" in text
    assert str(security.ca_cert.resolve()) in text
    assert "at least 0  (charge points without credentials connect unauthenticated" in text
    strict = _settings(tmp_path, CSMS_OCPP_TLS_PORT="0", CSMS_MIN_SECURITY_PROFILE="2").security
    assert banner_lines(strict, "localhost") == ["  Security profile     at least 2"]
