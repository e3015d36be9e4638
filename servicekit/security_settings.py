"""The security part of the settings (``settings.security``): TLS, the CSMS CA, charge point
security profiles, API authentication and per-charge-point limits.

Read by auth_svc (the CA that signs station certificates, the lowest security profile), by
the edge (the per-charge-point limits: message size and rate, handshake and ping times) and
by the launcher (Envoy's TLS listener, API authentication and limits, ``csms token``). The
variables are documented in :data:`servicekit.settings.VARIABLES`."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from servicekit.plug_and_charge_settings import PlugAndChargeSettings, PlugAndChargeSettingsError


class SettingsError(ValueError):
    """An environment variable holds a value the CSMS cannot use."""


def whole_number(name: str, text: str) -> int:
    """``text`` as a whole number, or a :class:`SettingsError` naming the variable."""
    try:
        return int(text)
    except ValueError:
        raise SettingsError(f"{name}={text!r} is not a whole number") from None


def positive(name: str, text: str) -> int:
    """``text`` as a whole number greater than zero."""
    value = whole_number(name, text)
    if value <= 0:
        raise SettingsError(f"{name}={value} must be greater than zero")
    return value


class ApiAuth(enum.StrEnum):
    NONE = "none"
    JWT = "jwt"


@dataclass(frozen=True)
class SecuritySettings:
    ocpp_tls_port: int
    """0: no TLS listener."""
    pki_dir: Path
    """Where generated keys and certificates live (``$CSMS_DATA_DIR/pki``)."""
    tls_cert: Path
    """The TLS listener's ECDSA certificate (ECDHE-ECDSA suites)."""
    tls_key: Path
    tls_rsa_cert: Path
    """Its RSA certificate, for the RSA key exchange suites OCPP requires (A00.FR.318)."""
    tls_rsa_key: Path
    ca_cert: Path
    ca_key: Path
    station_cert_days: int
    min_security_profile: int
    api_auth: ApiAuth
    api_jwks: Path
    api_signing_key: Path
    api_issuer: str
    max_message_bytes: int
    """The largest OCPP-J message the edge accepts, and the largest CALL it sends."""
    message_rate: float
    message_burst: int
    handshake_timeout: float
    ping_interval: float
    """0: the edge sends no WebSocket pings."""
    plug_and_charge: PlugAndChargeSettings
    """ISO 15118 contract certificates and the V2G sub-CA (auth_svc)."""

    @classmethod
    def from_env(cls, raw: Callable[[str], str], data_dir: Path) -> SecuritySettings:
        pki = data_dir / "pki"

        def path(name: str, default: str) -> Path:
            return Path(raw(name) or (pki / default)).expanduser()

        def number(name: str, low: float, high: float | None = None) -> float:
            text = raw(name)
            try:
                value = float(text)
            except ValueError:
                raise SettingsError(f"{name}={text!r} is not a number") from None
            if value < low or (high is not None and value > high):
                bound = f"between {low:g} and {high:g}" if high is not None else f">= {low:g}"
                raise SettingsError(f"{name}={text} must be {bound}")
            return value

        auth_text = raw("CSMS_API_AUTH").lower()
        try:
            api_auth = ApiAuth(auth_text)
        except ValueError:
            raise SettingsError(f"CSMS_API_AUTH={auth_text!r} is not one of: none, jwt") from None
        profile_text = raw("CSMS_MIN_SECURITY_PROFILE")
        if profile_text not in {"0", "1", "2", "3"}:
            raise SettingsError(f"CSMS_MIN_SECURITY_PROFILE={profile_text!r} is not 0, 1, 2 or 3")
        try:
            plug_and_charge = PlugAndChargeSettings.from_env(raw)
        except PlugAndChargeSettingsError as error:
            raise SettingsError(str(error)) from None
        return cls(
            ocpp_tls_port=int(number("CSMS_OCPP_TLS_PORT", 0, 65535)),
            pki_dir=pki,
            tls_cert=path("CSMS_TLS_CERT", "server.pem"),
            tls_key=path("CSMS_TLS_KEY", "server.key"),
            tls_rsa_cert=path("CSMS_TLS_RSA_CERT", "server-rsa.pem"),
            tls_rsa_key=path("CSMS_TLS_RSA_KEY", "server-rsa.key"),
            ca_cert=path("CSMS_CA_CERT", "ca.pem"),
            ca_key=path("CSMS_CA_KEY", "ca.key"),
            station_cert_days=int(number("CSMS_STATION_CERT_DAYS", 1)),
            min_security_profile=int(profile_text),
            api_auth=api_auth,
            api_jwks=path("CSMS_API_JWKS", "api-jwks.json"),
            api_signing_key=pki / "api-signing-key.pem",
            api_issuer=raw("CSMS_API_ISSUER") or "csms",
            max_message_bytes=positive("CSMS_MAX_MESSAGE_BYTES", raw("CSMS_MAX_MESSAGE_BYTES")),
            message_rate=number("CSMS_MESSAGE_RATE", 0.1),
            message_burst=int(number("CSMS_MESSAGE_BURST", 1)),
            handshake_timeout=number("CSMS_HANDSHAKE_TIMEOUT", 0.1),
            ping_interval=number("CSMS_PING_INTERVAL", 0),
            plug_and_charge=plug_and_charge,
        )
