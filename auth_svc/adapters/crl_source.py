"""CRLs over HTTP: the :class:`~auth_svc.ports.CrlSource` that downloads the CRL a
station names (OCPP 2.1 GetCertificateChainStatus with source CRL)."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from auth_svc.ports import PartyUnavailable

# A CRL of a V2G sub-CA is kilobytes to a few megabytes; more is not one worth reading.
MAX_CRL_BYTES = 8 * 1024 * 1024


class HttpCrlSource:
    def __init__(self, timeout: float) -> None:
        self._timeout = timeout

    async def fetch(self, url: str) -> bytes:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise PartyUnavailable(f"the CRL URL {url!r} is not http:// or https://")
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                reply = await client.get(url)
        except httpx.HTTPError as error:
            raise PartyUnavailable(f"the CRL at {url} could not be fetched: {error!r}") from None
        if reply.status_code != httpx.codes.OK:
            raise PartyUnavailable(f"the CRL at {url} answered HTTP {reply.status_code}")
        if len(reply.content) > MAX_CRL_BYTES:
            raise PartyUnavailable(f"the CRL at {url} is larger than {MAX_CRL_BYTES} bytes")
        return reply.content
