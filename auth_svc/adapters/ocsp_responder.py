"""OCSP over HTTP (RFC 6960 Appendix A.1): the :class:`~auth_svc.ports.OcspResponder` that
posts a DER request to a responder and returns its DER response.

The URL comes from the station (the certificate's Authority Information Access) unless
the operator sends every request to one responder (``CSMS_OCSP_RESPONDER_URL``); only
http and https URLs are asked."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from auth_svc.ports import PartyUnavailable

REQUEST_TYPE = "application/ocsp-request"
RESPONSE_TYPE = "application/ocsp-response"
# An OCSP response for one certificate is a few kilobytes; a responder sending more is
# not one.
MAX_RESPONSE_BYTES = 64 * 1024


class HttpOcspResponder:
    def __init__(self, timeout: float) -> None:
        self._timeout = timeout

    async def ask(self, url: str, request: bytes) -> bytes:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise PartyUnavailable(f"the OCSP responder URL {url!r} is not http:// or https://")
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                reply = await client.post(
                    url, content=request, headers={"Content-Type": REQUEST_TYPE}
                )
        except httpx.HTTPError as error:
            raise PartyUnavailable(f"the OCSP responder {url} did not answer: {error!r}") from None
        if reply.status_code != httpx.codes.OK:
            raise PartyUnavailable(f"the OCSP responder {url} answered HTTP {reply.status_code}")
        if len(reply.content) > MAX_RESPONSE_BYTES:
            raise PartyUnavailable(f"the OCSP responder {url} answered too much")
        return reply.content
