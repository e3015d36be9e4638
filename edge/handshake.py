"""The opening handshake decision: which charge point, which OCPP version, or why not.

Pure: it sees the request target and the offered subprotocols, never a socket, so the
WebSocket server asks it before upgrading and answers a refusal with a plain HTTP status
(docs/design.md §3). Two URL forms are accepted:

- ``/ocpp/{chargePointId}`` with ``Sec-WebSocket-Protocol: ocpp1.6`` (OCPP-J 1.6 §3.1.1
  and §3.1.2: the identity is the last path segment, the version is the subprotocol);
- ``/ocpp?chargePointId={id}&version=1.6`` (the seed's form; the subprotocol may be
  absent, and is selected when offered).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import parse_qs, unquote, urlsplit

from edge.ocpp_version import KNOWN_VERSIONS, OcppVersion

ENDPOINT = "/ocpp"

# OCPP 2.0.1 Part 2 identifierString (also the OCPP 1.6 security whitepaper's rule for the
# charge point identity in the URL): at most 48 of these characters.
_IDENTITY = re.compile(r"[A-Za-z0-9*\-_=:+|@.]{1,48}")
IDENTITY_RULE = "1 to 48 characters from A-Z a-z 0-9 * - _ = : + | @ ."


@dataclass(frozen=True)
class Admission:
    """The handshake may proceed. ``subprotocol`` is None when the client offered none."""

    charge_point_id: str
    version: OcppVersion
    subprotocol: str | None


@dataclass(frozen=True)
class Refusal:
    """The handshake is refused with this HTTP status; ``reason`` says what to change."""

    status: HTTPStatus
    reason: str


def decide(
    target: str, offered: Sequence[str], supported: Collection[OcppVersion]
) -> Admission | Refusal:
    """Decide on a handshake from its request target (path and query) and the
    subprotocols the client offered, given the versions this edge serves."""
    parts = urlsplit(target)
    path_id = _path_identity(parts.path)
    if path_id is None:
        return Refusal(
            HTTPStatus.NOT_FOUND,
            f"no OCPP endpoint at {parts.path}; connect to {ENDPOINT}/{{chargePointId}}",
        )
    query = parse_qs(parts.query, keep_blank_values=True)
    for name in ("chargePointId", "version"):
        if len(query.get(name, [])) > 1:
            return Refusal(HTTPStatus.BAD_REQUEST, f"the query names {name} more than once")
    query_id = query.get("chargePointId", [None])[0]
    identity = _identity(path_id or None, query_id)
    if isinstance(identity, Refusal):
        return identity
    version = _version(query.get("version", [None])[0], offered, supported)
    if isinstance(version, Refusal):
        return version
    subprotocol = version.subprotocol if version.subprotocol in offered else None
    return Admission(identity, version, subprotocol)


def _path_identity(path: str) -> str | None:
    """The raw identity segment ("" for the query form), or None when not our endpoint."""
    if path in (ENDPOINT, ENDPOINT + "/"):
        return ""
    if not path.startswith(ENDPOINT + "/"):
        return None
    segment = path[len(ENDPOINT) + 1 :]
    if "/" in segment:
        return None
    # Split before decoding, so an encoded "/" is part of the identity (and refused).
    return unquote(segment)


def _identity(path_id: str | None, query_id: str | None) -> str | Refusal:
    if path_id is not None and query_id is not None and path_id != query_id:
        return Refusal(
            HTTPStatus.BAD_REQUEST,
            f"the path names charge point {path_id!r} but the query names {query_id!r}",
        )
    identity = path_id if path_id is not None else query_id
    if identity is None:
        return Refusal(
            HTTPStatus.BAD_REQUEST,
            f"no charge point id: connect to {ENDPOINT}/{{chargePointId}} "
            f"or {ENDPOINT}?chargePointId={{id}}&version=1.6",
        )
    if not _IDENTITY.fullmatch(identity):
        return Refusal(
            HTTPStatus.BAD_REQUEST,
            f"charge point id {identity!r} is not valid: it must be {IDENTITY_RULE}",
        )
    return identity


def _version(
    requested: str | None, offered: Sequence[str], supported: Collection[OcppVersion]
) -> OcppVersion | Refusal:
    """The version from the query, the subprotocols, or both (then they must agree)."""
    by_name = {v.name: v for v in KNOWN_VERSIONS}
    by_subprotocol = {v.subprotocol: v for v in KNOWN_VERSIONS}
    supported_list = ", ".join(v.subprotocol for v in supported)
    if requested is not None:
        version = by_name.get(requested)
        if version is None:
            names = ", ".join(by_name)
            return Refusal(
                HTTPStatus.BAD_REQUEST,
                f"version={requested!r} is not an OCPP version; use one of {names}",
            )
        if offered and version.subprotocol not in offered:
            return Refusal(
                HTTPStatus.BAD_REQUEST,
                f"the query asks for version {requested} but Sec-WebSocket-Protocol offers "
                f"{', '.join(offered)}; they must agree",
            )
        candidates = [version]
    else:
        if not offered:
            return Refusal(
                HTTPStatus.BAD_REQUEST,
                "no OCPP version: offer Sec-WebSocket-Protocol with one of "
                f"{supported_list}, or add ?version= to the URL",
            )
        candidates = [by_subprotocol[s] for s in offered if s in by_subprotocol]
    for candidate in candidates:
        if candidate in supported:
            return candidate
    if candidates:
        return Refusal(
            HTTPStatus.BAD_REQUEST,
            f"OCPP {candidates[0].name} is not supported yet by this edge; "
            f"supported subprotocols: {supported_list}",
        )
    return Refusal(
        HTTPStatus.BAD_REQUEST,
        f"none of the offered subprotocols ({', '.join(offered)}) is an OCPP version this "
        f"edge supports; supported subprotocols: {supported_list}",
    )
