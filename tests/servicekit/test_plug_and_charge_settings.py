"""servicekit.plug_and_charge_settings: every Plug & Charge party is optional, and a URL
that is not http(s) is refused naming its variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from servicekit.security_settings import SettingsError
from servicekit.settings import Settings

pytestmark = pytest.mark.unit


def test_nothing_is_configured_by_default() -> None:
    settings = Settings.from_env({}).security.plug_and_charge
    assert (settings.v2g_ca_cert, settings.v2g_ca_key, settings.v2g_root_certs) == (None,) * 3
    assert (settings.ocsp_responder_url, settings.contract_certificate_url) == ("", "")


def test_what_is_given_is_kept() -> None:
    settings = Settings.from_env(
        {
            "CSMS_V2G_CA_CERT": "/etc/v2g/ca.pem",
            "CSMS_V2G_CA_KEY": "/etc/v2g/ca.key",
            "CSMS_V2G_ROOT_CERTS": "/etc/v2g/roots.pem",
            "CSMS_OCSP_RESPONDER_URL": "http://ocsp.internal/",
            "CSMS_CONTRACT_CERTIFICATE_URL": "https://pool.example/contracts",
        }
    ).security.plug_and_charge
    assert settings.v2g_ca_cert == Path("/etc/v2g/ca.pem")
    assert settings.v2g_root_certs == Path("/etc/v2g/roots.pem")
    assert settings.contract_certificate_url == "https://pool.example/contracts"


@pytest.mark.parametrize("variable", ["CSMS_OCSP_RESPONDER_URL", "CSMS_CONTRACT_CERTIFICATE_URL"])
@pytest.mark.parametrize("value", ["ftp://pool.example/", "pool.example", "http://"])
def test_a_url_that_is_not_http_is_refused(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=f"{variable}='{value}' is not an http"):
        Settings.from_env({variable: value})
