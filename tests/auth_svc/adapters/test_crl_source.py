"""auth_svc.adapters.crl_source against a local HTTP server, and what it says when there
is no CRL to read."""

from __future__ import annotations

import pytest

from auth_svc.adapters.crl_source import HttpCrlSource
from auth_svc.ports import PartyUnavailable
from tests.support.plug_and_charge import serving_files
from tests.support.ports import free_port


async def test_fetches_the_crl() -> None:
    with serving_files({"root.crl": b"\x30\x82CRL"}) as base:
        assert await HttpCrlSource(5).fetch(f"{base}/root.crl") == b"\x30\x82CRL"


async def test_no_crl() -> None:
    with serving_files({}) as base, pytest.raises(PartyUnavailable, match="answered HTTP 404"):
        await HttpCrlSource(5).fetch(f"{base}/missing.crl")
    with pytest.raises(PartyUnavailable, match="could not be fetched"):
        await HttpCrlSource(2).fetch(f"http://127.0.0.1:{free_port()}/root.crl")
    with pytest.raises(PartyUnavailable, match="is not http:// or https://"):
        await HttpCrlSource(2).fetch("ldap://directory/cn=root")
