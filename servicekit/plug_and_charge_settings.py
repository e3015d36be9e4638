"""The ISO 15118 Plug & Charge part of the security settings
(``settings.security.plug_and_charge``): the outside parties auth_svc talks to for contract
certificates (OCPP 2.0.1 C07, M01/M02, M06) and the V2G sub-CA that signs stations' V2G
certificates (A02/A03, ``certificateType`` V2GCertificate).

Every one is optional: without them the CSMS answers what the specification lets it
(Failed, Rejected, a certificate status that is never Accepted) and says why. Read by
auth_svc only. The variables are documented in :data:`servicekit.settings.VARIABLES`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


class PlugAndChargeSettingsError(ValueError):
    """A Plug & Charge variable holds a value auth_svc cannot use."""


@dataclass(frozen=True)
class PlugAndChargeSettings:
    v2g_ca_cert: Path | None
    """The V2G sub-CA certificate that signs V2G charging station certificates; None: the
    CSMS signs none (SignCertificate V2GCertificate is answered Rejected)."""
    v2g_ca_key: Path | None
    v2g_root_certs: Path | None
    """PEM file of the V2G and mobility operator root certificates a contract certificate
    chain (Authorize ``certificate``) must end at; None: such chains cannot be verified."""
    ocsp_responder_url: str
    """Every OCSP request goes here instead of the certificate's own responder; empty: the
    responder the station names (the certificate's AIA)."""
    contract_certificate_url: str
    """The contract certificate service Get15118EVCertificate is forwarded to; empty:
    none (the station is answered Failed)."""

    @classmethod
    def from_env(cls, raw: Callable[[str], str]) -> PlugAndChargeSettings:
        def optional_path(name: str) -> Path | None:
            text = raw(name)
            return Path(text).expanduser() if text else None

        # Only one of the V2G CA's two files stops auth_svc's start (it reads them).
        return cls(
            v2g_ca_cert=optional_path("CSMS_V2G_CA_CERT"),
            v2g_ca_key=optional_path("CSMS_V2G_CA_KEY"),
            v2g_root_certs=optional_path("CSMS_V2G_ROOT_CERTS"),
            ocsp_responder_url=http_url("CSMS_OCSP_RESPONDER_URL", raw("CSMS_OCSP_RESPONDER_URL")),
            contract_certificate_url=http_url(
                "CSMS_CONTRACT_CERTIFICATE_URL", raw("CSMS_CONTRACT_CERTIFICATE_URL")
            ),
        )


def http_url(name: str, text: str) -> str:
    """``text`` when empty or an http(s) URL with a host; else an error naming ``name``."""
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise PlugAndChargeSettingsError(f"{name}={text!r} is not an http:// or https:// URL")
    return text
