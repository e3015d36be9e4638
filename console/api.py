"""The one module that talks to the public REST API (``/api/v1/...`` through Envoy).

The console reads and changes nothing any other way: no service imports, no generated
stubs (``tests/console/test_boundaries.py`` holds it to that). Each call carries the
operator's own token when there is one, so Envoy decides what this operator may do, as it
does for any client. Failures become :class:`console.errors.ApiError` here and nowhere else.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import httpx

from console.errors import ApiError

JsonObject = dict[str, Any]
Params = Mapping[str, str | int | Sequence[str]]

# A page waits at most this long for the API; an operation waits for the station's answer
# (the edge's response timeout) plus a margin, inside the API's own deadline.
READ_TIMEOUT = 15.0
OPERATION_TIMEOUT = 45.0


def _message(response: httpx.Response) -> tuple[str, str]:
    """The API's error message and code ({"code", "message"}), or the raw body."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip() or response.reason_phrase
        return text[:500], ""
    if isinstance(body, dict):
        message = str(body.get("message") or body.get("error") or response.reason_phrase)
        code = body.get("code", "")
        return message, str(code)
    return str(body)[:500], ""


class Api:
    """The REST API as one operator sees it (``token`` None: no token sent)."""

    def __init__(self, client: httpx.AsyncClient, token: str | None) -> None:
        self._client = client
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}

    def for_token(self, token: str | None) -> Api:
        """The same API as another operator sees it."""
        return Api(self._client, token)

    @property
    def base_url(self) -> str:
        return str(self._client.base_url)

    async def get(self, path: str, params: Params | None = None) -> JsonObject:
        return await self.call("GET", path, params=params)

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: Mapping[str, Any] | None = None,
        wait: float = READ_TIMEOUT,
    ) -> JsonObject:
        try:
            response = await self._client.request(
                method,
                path,
                params=_query(params),
                json=body,
                headers=self._headers,
                timeout=wait,
            )
        except httpx.TimeoutException:
            raise ApiError(
                504, f"the API at {self.base_url} did not answer {method} {path} in {wait:g}s"
            ) from None
        except httpx.TransportError as error:
            raise ApiError(
                503,
                f"the API at {self.base_url} cannot be reached ({error or type(error).__name__})",
            ) from None
        if response.status_code >= 400:
            message, code = _message(response)
            raise ApiError(response.status_code, message, code)
        if not response.content:
            return {}
        try:
            answer = response.json()
        except ValueError:
            raise ApiError(502, f"{method} {path} answered something that is not JSON") from None
        return answer if isinstance(answer, dict) else {"items": answer}

    async def lines(self, path: str, params: Params | None = None) -> AsyncIterator[JsonObject]:
        """A streamed answer, one JSON object per line, until the API ends it."""
        try:
            async with self._client.stream(
                "GET",
                path,
                params=_query(params),
                headers=self._headers,
                timeout=httpx.Timeout(READ_TIMEOUT, read=None),
            ) as response:
                if response.status_code >= 400:
                    await response.aread()
                    message, code = _message(response)
                    raise ApiError(response.status_code, message, code)
                async for raw in response.aiter_lines():
                    # Newline-delimited JSON; tolerate a JSON array's brackets and commas.
                    line = raw.strip().lstrip("[,").rstrip(",]")
                    if not line:
                        continue
                    try:
                        item = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(item, dict):
                        yield item.get("result", item)
        except httpx.TransportError as error:
            raise ApiError(
                503,
                f"the API at {self.base_url} cannot be reached ({error or type(error).__name__})",
            ) from None


def segment(text: str) -> str:
    """``text`` as one path segment (a station id may hold any character)."""
    return quote(text, safe="")


def _query(params: Params | None) -> httpx.QueryParams | None:
    """Query pairs without the empty ones; a sequence repeats its name (?a=1&a=2)."""
    if params is None:
        return None
    pairs: list[tuple[str, str | int | float | bool | None]] = []
    for name, value in params.items():
        if isinstance(value, (list, tuple)):
            pairs += [(name, str(item)) for item in value if str(item) != ""]
        elif str(value) != "":
            pairs.append((name, str(value)))
    return httpx.QueryParams(pairs)
