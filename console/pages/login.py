"""Signing in with an API token (``CSMS_API_AUTH=jwt``), and out.

The token is checked by asking the API for something any role may read; kept in a cookie
only the console reads; never shown again. An identity-aware proxy that passes a token on
every request needs none of this (:mod:`console.access`).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from console.access import COOKIE, claims
from console.api import Api
from console.errors import ApiError
from console.rendering import render

COOKIE_PATH = "/console"


def _next(target: str | None) -> str:
    # Only a path of the console itself: never an address elsewhere.
    return (
        target if target and target.startswith("/console/") and "//" not in target else "/console/"
    )


async def form(request: Request) -> Response:
    return render(
        request,
        "login.html",
        {"next": _next(request.query_params.get("next")), "problem": ""},
        section="login",
    )


async def sign_in(request: Request, api: Api) -> Response:
    fields = await request.form()
    token = str(fields.get("token", "")).strip()
    target = _next(str(fields.get("next", "")))
    problem = ""
    if not token:
        problem = "Paste an API token: `csms token create --role viewer` (or operator) prints one."
    elif not claims(token):
        problem = "That is not a token: an API token has three parts separated by dots."
    else:
        try:
            await api.for_token(token).get("/api/v1/services")
        except ApiError as error:
            problem = f"The API refused this token: {error.message}"
    if problem:
        return render(
            request,
            "login.html",
            {"next": target, "problem": problem},
            status_code=400,
            section="login",
        )
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


async def sign_out(_request: Request) -> Response:
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response
