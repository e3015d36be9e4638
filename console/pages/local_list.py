"""The local authorization list (``GET /api/v1/local-list``): the id tokens stations may
authorize offline, one list for every station, versioned by the API.

An operator adds a stored id token (``PUT /api/v1/local-list/{idTag}``) or removes one
(``DELETE``); either changes the version. Sending the list to a station is a station
operation (SendLocalList): the page takes a station id and opens that operation's form.
Shown in the id tokens section.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from console.api import Api, segment
from console.errors import ApiError
from console.forms import FormError
from console.notices import notice, problem, redirect
from console.pages.tokens import LIST_PATH as TOKENS_PATH
from console.pages.tokens import IdToken, id_token
from console.rendering import render

PATH = "/console/local-list"
NOTICES = {
    "added": "{id_tag} is in the local list now (a new version).",
    "removed": "{id_tag} is out of the local list now (a new version).",
}


@dataclass(frozen=True)
class LocalListView:
    version: int
    entries: tuple[IdToken, ...]
    notice: str = ""
    problem: str = ""
    id_tag: str = ""


async def _view(api: Api) -> LocalListView:
    answer = await api.get("/api/v1/local-list")
    entries = tuple(sorted((id_token(e) for e in answer.get("entries", [])), key=_key))
    return LocalListView(int(answer.get("version", 0) or 0), entries)


def _key(token: IdToken) -> str:
    return token.id_tag


async def page(request: Request, api: Api) -> Response:
    view = await _view(api)
    said = notice(request, NOTICES, id_tag=request.query_params.get("idTag", ""))
    return render(
        request,
        "local_list.html",
        {
            "view": LocalListView(view.version, view.entries, notice=said),
            "json_url": "/api/v1/local-list",
        },
        section="id-tags",
    )


async def _change(request: Request, api: Api, method: str, done: str) -> Response:
    form = await request.form()
    id_tag = str(form.get("idTag", "")).strip()
    back_to_token = form.get("back") == "id-tag"
    try:
        if not id_tag:
            raise FormError("Id token is required")
        # AddToLocalList takes an empty object; the id token is in the path.
        body: dict[str, str] | None = {} if method == "PUT" else None
        await api.call(method, f"/api/v1/local-list/{segment(id_tag)}", body=body)
    except (FormError, ApiError) as error:
        message, status = problem(error)
        view = await _view(api)
        return render(
            request,
            "local_list.html",
            {"view": LocalListView(view.version, view.entries, problem=message, id_tag=id_tag)},
            status_code=status,
            section="id-tags",
        )
    if back_to_token:
        return redirect(f"{TOKENS_PATH}/{segment(id_tag)}", done)
    return redirect(PATH, done, idTag=id_tag)


async def add(request: Request, api: Api) -> Response:
    return await _change(request, api, "PUT", "added")


async def remove(request: Request, api: Api) -> Response:
    return await _change(request, api, "DELETE", "removed")


async def send(request: Request, _api: Api) -> Response:
    """Opens the SendLocalList operation of the station named in ``?station=``."""
    station = request.query_params.get("station", "").strip()
    if not station:
        return RedirectResponse(PATH, status_code=303)
    return RedirectResponse(
        f"/console/stations/{segment(station)}/operations/SendLocalList", status_code=303
    )


def routes(with_api: Callable[..., Any]) -> list[Route]:
    return [
        Route(PATH, with_api(page), methods=["GET"]),
        Route(PATH, with_api(add), methods=["POST"]),
        Route(f"{PATH}/remove", with_api(remove), methods=["POST"]),
        Route(f"{PATH}/send", with_api(send), methods=["GET"]),
    ]
