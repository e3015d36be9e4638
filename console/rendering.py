"""Templates and what every page shares: the layout's context, formats and static URLs.

Pages render a frozen view model (``view``) with one template; a request from htmx
(``HX-Request``) for a swappable unit gets only its partial (``_*.html``), so the same
URL serves the page without JavaScript and the fragment with it (``Vary: HX-Request``).
Static files are served under a content-hashed URL (``?v=`` the file's digest) and cached
for good; a new release changes the digest.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from console.access import visitor

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

NAVIGATION = (
    ("fleet", "Stations", "/console/"),
    ("transactions", "Transactions", "/console/transactions"),
    ("id-tags", "Id tokens", "/console/id-tags"),
    ("reservations", "Reservations", "/console/reservations"),
    ("system", "System", "/console/system"),
)


@cache
def _digest(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    return f"/console/static/{name}?v={_digest(name)}"


@cache
def vendored() -> dict[str, str]:
    """The vendored files by short name (``htmx``, ``sse``, ``uplot``, ``uplot_css``), from
    ``static/vendor/manifest.json``, which records each one's source, version and licence."""
    entries = json.loads((STATIC / "vendor" / "manifest.json").read_text())
    files: dict[str, str] = {}
    for entry in entries:
        name, file = str(entry["name"]), str(entry["file"])
        if name == "htmx":
            files["htmx"] = file
        elif name == "htmx-ext-sse":
            files["sse"] = file
        elif name.lower() == "uplot":
            files["uplot_css" if file.endswith(".css") else "uplot"] = file
    return files


def station_key(charge_point_id: str) -> str:
    """A name safe in element ids and event names for any station id."""
    return "st-" + hashlib.blake2s(charge_point_id.encode(), digest_size=6).hexdigest()


def parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def when(text: str | None) -> str:
    """An API timestamp as the operator reads it: UTC, to the second."""
    moment = parse_time(text)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "—"


def ago(text: str | None, now: datetime | None = None) -> str:
    moment = parse_time(text)
    if moment is None:
        return "never"
    seconds = int(((now or datetime.now(UTC)) - moment).total_seconds())
    if seconds < 0:
        return "just now"
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return f"{seconds} s ago"


def pretty_json(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return str(value)
    return json.dumps(value, indent=2, sort_keys=False, ensure_ascii=False)


def words(enum_name: str | None) -> str:
    """``SUSPENDED_EV`` as ``Suspended EV``: API enum names as labels."""
    if not enum_name:
        return "—"
    parts = enum_name.split("_")
    return " ".join(
        p if len(p) <= 2 and p.isupper() and p != "ON" else p.capitalize() for p in parts
    )


def camel_words(text: str | None) -> str:
    """OCPP's ``SuspendedEV`` as ``Suspended EV``."""
    if not text:
        return ""
    out = ""
    for i, c in enumerate(text):
        if (
            i
            and c.isupper()
            and not (text[i - 1].isupper() and (i + 1 == len(text) or text[i + 1].isupper()))
        ):
            out += " "
        out += c
    return out


def kwh(wh: float | int | str | None) -> str:
    try:
        return f"{float(wh or 0) / 1000:.2f} kWh"
    except (TypeError, ValueError):
        return "—"


def kw(watts: float | None) -> str:
    return "—" if watts is None else f"{watts / 1000:.1f} kW"


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(static_url=static_url, station_key=station_key, vendor=vendored())
    environment.filters.update(
        when=when,
        ago=ago,
        pretty_json=pretty_json,
        words=words,
        camel_words=camel_words,
        kwh=kwh,
        kw=kw,
    )
    return environment


ENVIRONMENT = _environment()


def is_fragment_request(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status_code: int = 200,
    section: str = "",
) -> HTMLResponse:
    full = {
        "request": request,
        "visitor": visitor(request),
        "navigation": NAVIGATION,
        "section": section,
        **context,
    }
    body = ENVIRONMENT.get_template(template).render(full)
    return HTMLResponse(body, status_code=status_code, headers={"Vary": "HX-Request"})
