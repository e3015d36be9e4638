"""A station's message timeline: every frame in and out from the journal, newest first.

Filterable by action (the API filters) and direction (the console filters each page the
API returns: the journal has no direction filter); each frame expands to its JSON; a
CALLERROR is marked, and so is an answer that came more than :data:`SLOW_ANSWER` after its
CALL (paired by message id within the page).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from console.api import Api, segment
from console.live import station_live_url
from console.rendering import is_fragment_request, parse_time, render

PAGE_SIZE = 100
SLOW_ANSWER = 2.0  # seconds


@dataclass(frozen=True)
class Frame:
    at: str
    direction: str
    message_type: str
    message_id: str
    action: str
    payload: str
    truncated: bool
    answer_seconds: float | None

    @property
    def error(self) -> bool:
        return self.message_type == "CALL_ERROR"

    @property
    def slow(self) -> bool:
        return self.answer_seconds is not None and self.answer_seconds > SLOW_ANSWER


@dataclass(frozen=True)
class TimelineView:
    charge_point_id: str
    action: str
    direction: str
    frames: tuple[Frame, ...]
    next_link: str
    first_link: str
    live_url: str
    json_url: str
    slow_after: float = SLOW_ANSWER


def _frames(entries: list[dict[str, object]]) -> tuple[Frame, ...]:
    calls = {
        (str(e.get("messageId")), str(e.get("direction"))): parse_time(str(e.get("at", "")))
        for e in entries
        if e.get("messageType") == "CALL"
    }
    frames = []
    for entry in entries:
        kind = str(entry.get("messageType", ""))
        direction = str(entry.get("direction", ""))
        seconds = None
        if kind in {"CALL_RESULT", "CALL_ERROR"}:
            # An answer goes the other way from its CALL.
            asked = calls.get((str(entry.get("messageId")), "OUT" if direction == "IN" else "IN"))
            answered = parse_time(str(entry.get("at", "")))
            if asked and answered:
                seconds = (answered - asked).total_seconds()
        frames.append(
            Frame(
                at=str(entry.get("at", "")),
                direction=direction,
                message_type=kind,
                message_id=str(entry.get("messageId", "")),
                action=str(entry.get("action", "")),
                payload=str(entry.get("payload", "")),
                truncated=bool(entry.get("truncated")),
                answer_seconds=seconds,
            )
        )
    return tuple(frames)


async def page(request: Request, api: Api) -> Response:
    charge_point_id = request.path_params["charge_point_id"]
    params = request.query_params
    action = params.get("action", "").strip()
    direction = params.get("direction", "") if params.get("direction") in {"IN", "OUT"} else ""
    token = params.get("page", "")
    query: dict[str, str | int | list[str]] = {
        "pageSize": PAGE_SIZE,
        "pageToken": token,
        "actions": [action] if action else [],
    }
    answer = await api.get(f"/api/v1/charge-points/{segment(charge_point_id)}/messages", query)
    frames = _frames(list(answer.get("messages", [])))
    if direction:
        frames = tuple(f for f in frames if f.direction == direction)

    def link(**changes: str) -> str:
        values = {"action": action, "direction": direction, "page": token, **changes}
        encoded = urlencode({k: v for k, v in values.items() if v})
        return f"/console/stations/{segment(charge_point_id)}/timeline" + (
            f"?{encoded}" if encoded else ""
        )

    next_token = str(answer.get("nextPageToken", ""))
    model = TimelineView(
        charge_point_id=charge_point_id,
        action=action,
        direction=direction,
        frames=frames,
        next_link=link(page=next_token) if next_token else "",
        first_link=link(page="") if token else "",
        live_url=station_live_url(charge_point_id) if not token else "",
        json_url=f"/api/v1/charge-points/{segment(charge_point_id)}/messages?"
        + urlencode({"pageSize": PAGE_SIZE, **({"actions": action} if action else {})}),
    )
    template = "_timeline_frames.html" if is_fragment_request(request) else "timeline.html"
    return render(request, template, {"view": model, "tab": "timeline"}, section="fleet")
