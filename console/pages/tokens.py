"""Id tokens: the stored identifiers (``GET /api/v1/id-tags``, paged), one of them with its
edit form, and a form to create one. The local authorization list is
:mod:`console.pages.local_list`, in the same section.

The API has no search over id tokens: the "find" box goes to the token's own page
(``GET /api/v1/id-tags/{idTag}``), which says so when there is none. Only an operator sees
the forms; the API refuses a viewer's change anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from console.api import Api, segment
from console.errors import ApiError
from console.forms import FormError
from console.moments import local_input, optional_rfc3339
from console.notices import notice, problem, redirect
from console.rendering import render

PAGE_SIZE = 50
LIST_PATH = "/console/id-tags"
# What the API stores (CONCURRENT_TX and the rest are decisions, never stored).
STATUSES = ("ACCEPTED", "BLOCKED", "EXPIRED", "INVALID")
# OCPP 2.x IdTokenEnumType (2.1 adds the last three), as the API documents idTokenType.
TOKEN_TYPES = (
    "ISO14443",
    "ISO15693",
    "eMAID",
    "Central",
    "KeyCode",
    "Local",
    "MacAddress",
    "NoAuthorization",
    "DirectPayment",
    "EVCCID",
    "VIN",
)
NOTICES = {
    "created": "Id token {id_tag} is created.",
    "updated": "Id token {id_tag} is saved.",
    "added": "Id token {id_tag} is in the local list now (a new version).",
    "removed": "Id token {id_tag} is out of the local list now (a new version).",
}
FIELDS = ("idTag", "status", "expiresAt", "parentIdTag", "idTokenType")


@dataclass(frozen=True)
class IdToken:
    id_tag: str
    status: str
    expires_at: str
    parent_id_tag: str
    id_token_type: str
    created_at: str
    updated_at: str

    @property
    def link(self) -> str:
        return f"{LIST_PATH}/{segment(self.id_tag)}"

    def form_values(self) -> dict[str, str]:
        return {
            "idTag": self.id_tag,
            "status": self.status,
            "expiresAt": local_input(self.expires_at),
            "parentIdTag": self.parent_id_tag,
            "idTokenType": self.id_token_type,
        }


def id_token(body: Mapping[str, Any]) -> IdToken:
    return IdToken(
        id_tag=str(body.get("idTag", "")),
        status=str(body.get("status", "")),
        expires_at=str(body.get("expiresAt", "")),
        parent_id_tag=str(body.get("parentIdTag", "")),
        id_token_type=str(body.get("idTokenType", "")),
        created_at=str(body.get("createdAt", "")),
        updated_at=str(body.get("updatedAt", "")),
    )


def api_body(values: Mapping[str, str]) -> dict[str, str]:
    """A submitted form as the API's IdTag (empty fields left out; the expiry in RFC 3339).
    On update, a missing expiry or parent clears it and a missing type keeps it (the API)."""
    if not values.get("idTag"):
        raise FormError("Id token is required")
    if values.get("status") not in STATUSES:
        raise FormError(f"Status: choose one of {', '.join(STATUSES)}")
    body = {
        "idTag": values["idTag"],
        "status": values["status"],
        "expiresAt": optional_rfc3339(values.get("expiresAt", ""), "Expires at"),
        "parentIdTag": values.get("parentIdTag", ""),
        "idTokenType": values.get("idTokenType", ""),
    }
    return {k: v for k, v in body.items() if v}


async def _submitted(request: Request) -> dict[str, str]:
    form = await request.form()
    return {name: str(form.get(name, "")).strip() for name in FIELDS}


@dataclass(frozen=True)
class ListView:
    tokens: tuple[IdToken, ...]
    page: str
    next_link: str
    first_link: str
    values: dict[str, str] = field(default_factory=dict)
    problem: str = ""
    statuses: tuple[str, ...] = STATUSES
    token_types: tuple[str, ...] = TOKEN_TYPES


async def _list_view(api: Api, page: str) -> ListView:
    answer = await api.get("/api/v1/id-tags", {"pageSize": PAGE_SIZE, "pageToken": page})
    next_token = str(answer.get("nextPageToken", ""))
    return ListView(
        tokens=tuple(id_token(t) for t in answer.get("idTags", [])),
        page=page,
        next_link=f"{LIST_PATH}?{urlencode({'page': next_token})}" if next_token else "",
        first_link=LIST_PATH if page else "",
    )


async def listing(request: Request, api: Api) -> Response:
    wanted = request.query_params.get("find", "").strip()
    if wanted:
        return RedirectResponse(f"{LIST_PATH}/{segment(wanted)}", status_code=303)
    view = await _list_view(api, request.query_params.get("page", ""))
    return render(
        request, "id_tags.html", {"view": view, "json_url": "/api/v1/id-tags"}, section="id-tags"
    )


async def create(request: Request, api: Api) -> Response:
    values = await _submitted(request)
    try:
        body = api_body(values)
        await api.call("POST", "/api/v1/id-tags", body=body)
    except (FormError, ApiError) as error:
        message, status = problem(error)
        view = await _list_view(api, "")
        view = ListView(view.tokens, "", view.next_link, "", values, message)
        return render(
            request, "id_tags.html", {"view": view}, status_code=status, section="id-tags"
        )
    return redirect(f"{LIST_PATH}/{segment(body['idTag'])}", "created")


@dataclass(frozen=True)
class DetailView:
    token: IdToken
    values: dict[str, str]
    listed: bool | None
    """In the local authorization list; None when the API did not say."""
    notice: str = ""
    problem: str = ""
    statuses: tuple[str, ...] = STATUSES
    token_types: tuple[str, ...] = TOKEN_TYPES


async def _listed(api: Api, id_tag: str) -> bool | None:
    try:
        answer = await api.get("/api/v1/local-list")
    except ApiError as error:
        if error.unauthenticated:
            raise
        return None
    return any(e.get("idTag") == id_tag for e in answer.get("entries", []))


async def detail(request: Request, api: Api) -> Response:
    id_tag = request.path_params["id_tag"]
    token = id_token(await api.get(f"/api/v1/id-tags/{segment(id_tag)}"))
    view = DetailView(
        token,
        token.form_values(),
        await _listed(api, token.id_tag),
        notice=notice(request, NOTICES, id_tag=token.id_tag),
    )
    return render(
        request,
        "id_tag.html",
        {"view": view, "json_url": f"/api/v1/id-tags/{segment(id_tag)}"},
        section="id-tags",
    )


async def update(request: Request, api: Api) -> Response:
    id_tag = request.path_params["id_tag"]
    values = {**await _submitted(request), "idTag": id_tag}
    try:
        await api.call("PUT", f"/api/v1/id-tags/{segment(id_tag)}", body=api_body(values))
    except (FormError, ApiError) as error:
        message, status = problem(error)
        token = id_token(await api.get(f"/api/v1/id-tags/{segment(id_tag)}"))
        view = DetailView(token, values, await _listed(api, id_tag), problem=message)
        return render(request, "id_tag.html", {"view": view}, status_code=status, section="id-tags")
    return redirect(f"{LIST_PATH}/{segment(id_tag)}", "updated")


def routes(with_api: Callable[..., Any]) -> list[Route]:
    # Imported here: local_list reads this module's records.
    from console.pages import local_list

    return [
        *local_list.routes(with_api),
        Route(LIST_PATH, with_api(listing), methods=["GET"]),
        Route(LIST_PATH, with_api(create), methods=["POST"]),
        # :path: an id token may hold any character, "/" included.
        Route(f"{LIST_PATH}/{{id_tag:path}}", with_api(detail), methods=["GET"]),
        Route(f"{LIST_PATH}/{{id_tag:path}}", with_api(update), methods=["POST"]),
    ]
