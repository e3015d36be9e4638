"""The console's composition root: the Starlette application, its routes and its client.

``build(settings)`` makes everything; nothing is built at import. Pages get an
:class:`console.api.Api` for the visitor (their token, if any) from :func:`_with_api`;
an :class:`console.errors.ApiError` they let through becomes the sign-in page (401) or
the error page (anything else), here and only here.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from os import PathLike
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from console import live
from console.access import visitor
from console.api import Api
from console.errors import ApiError
from console.pages import (
    fleet,
    login,
    operations,
    reservations,
    station,
    system,
    timeline,
    tokens,
    transactions,
)
from console.rendering import STATIC, is_fragment_request, render
from console.statistics import Sampler
from servicekit.console_settings import HEALTH_PATH, ConsoleSettings

Page = Callable[[Request, Api], Awaitable[Response]]

# No inline script or style anywhere: vendored files and our own, from this origin only.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class Headers:
    """Adds :data:`SECURITY_HEADERS` to every answer, and refuses a form posted from
    another site (a page elsewhere must not drive a station through an operator's browser)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if request.method not in {"GET", "HEAD"} and not _same_origin(request):
            refusal = PlainTextResponse(
                "refused: this form was sent from another site", status_code=403
            )
            await refusal(scope, receive, send)
            return

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                for name, value in SECURITY_HEADERS.items():
                    headers.append((name.lower().encode(), value.encode()))
            await send(message)

        await self.app(scope, receive, with_headers)


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    host = request.headers.get("x-forwarded-host") or request.headers.get("host", "")
    return origin.split("://", 1)[-1] == host


class ImmutableStatic(StaticFiles):
    """Static files; a content-hashed URL (``?v=``) is cached for good, any other is
    checked again each time (a file's plain URL changes content with a release)."""

    def file_response(
        self,
        full_path: PathLike[str] | str,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        hashed = "v" in parse_qs(scope.get("query_string", b"").decode("latin-1"))
        response.headers["Cache-Control"] = (
            "public, max-age=31536000, immutable" if hashed else "no-cache"
        )
        return response


def build(
    settings: ConsoleSettings, transport: httpx.AsyncBaseTransport | None = None
) -> Starlette:
    client = httpx.AsyncClient(base_url=settings.api_url, transport=transport)
    sampler = Sampler(client, settings.sample_interval, token=settings.api_token)

    def with_api(page: Page) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            api = Api(client, visitor(request).token)
            request.state.sampler = sampler
            try:
                return await page(request, api)
            except ApiError as error:
                return _failure(request, error)

        return endpoint

    async def health(_request: Request) -> Response:
        return PlainTextResponse("ok")

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        sampler.start()
        try:
            yield
        finally:
            await sampler.stop()
            await client.aclose()

    routes = [
        Route(HEALTH_PATH, health),
        Route("/console/", with_api(fleet.page)),
        Route("/console", lambda _r: RedirectResponse("/console/", status_code=302)),
        Route("/console/fleet/summary", with_api(fleet.summary_fragment)),
        Route("/console/live", with_api(live.stream)),
        Route("/console/login", login.form, methods=["GET"]),
        Route("/console/login", with_api(login.sign_in), methods=["POST"]),
        Route("/console/logout", login.sign_out, methods=["POST"]),
        Route("/console/stations/{charge_point_id}", with_api(station.page)),
        Route("/console/stations/{charge_point_id}/row", with_api(fleet.row_fragment)),
        Route("/console/stations/{charge_point_id}/activity", with_api(fleet.activity_fragment)),
        Route("/console/stations/{charge_point_id}/state", with_api(station.state_fragment)),
        Route("/console/stations/{charge_point_id}/timeline", with_api(timeline.page)),
        Route("/console/stations/{charge_point_id}/configuration", with_api(station.configuration)),
        Route("/console/stations/{charge_point_id}/security", with_api(station.security)),
        Route("/console/stations/{charge_point_id}/operations", with_api(operations.index)),
        Route(
            "/console/stations/{charge_point_id}/operations/{operation}",
            with_api(operations.form),
            methods=["GET"],
        ),
        Route(
            "/console/stations/{charge_point_id}/operations/{operation}",
            with_api(operations.run),
            methods=["POST"],
        ),
        *transactions.routes(with_api),
        *tokens.routes(with_api),
        *reservations.routes(with_api),
        *system.routes(with_api),
        Mount("/console/static", app=ImmutableStatic(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(Headers)], lifespan=lifespan)
    app.state.sampler = sampler
    return app


def _failure(request: Request, error: ApiError) -> Response:
    if error.unauthenticated and not visitor(request).from_proxy:
        target = "/console/login?" + urlencode({"next": _back_to(request)})
        if is_fragment_request(request):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    template = "_error.html" if is_fragment_request(request) else "error.html"
    status = error.status if 400 <= error.status < 600 else 502
    return render(request, template, {"error": error}, status_code=status)


def _back_to(request: Request) -> str:
    """Where to come back after signing in: this page with its query (its filters), or for
    htmx's request of a fragment the page that asked for it (not the bare fragment)."""
    url = request.url
    if is_fragment_request(request):
        current = urlsplit(request.headers.get("hx-current-url", ""))
        if current.netloc in {"", url.netloc} and current.path.startswith("/console/"):
            return current.path + (f"?{current.query}" if current.query else "")
    return url.path + (f"?{url.query}" if url.query else "")
