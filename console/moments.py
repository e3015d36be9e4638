"""Date-time inputs as an operator types them, and RFC 3339 as the API takes them.

A ``<input type="datetime-local">`` sends ``2026-12-07T10:30`` with no zone: the console
reads it as UTC (the pages say so) and sends ``2026-12-07T10:30:00Z``. A full RFC 3339
value (from a shared link, or a browser without the input type) is taken as it is; a bare
date is its midnight UTC. Anything else is a :class:`console.forms.FormError` naming the field.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from console.forms import FormError
from console.rendering import parse_time


def rfc3339(text: str, label: str) -> str:
    """``text`` (stripped; not empty) as an RFC 3339 UTC timestamp, or a FormError."""
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise FormError(
            f"{label}: {value!r} is not a date and time (e.g. 2026-12-07T10:30, read as UTC)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def optional_rfc3339(text: str, label: str) -> str:
    """As :func:`rfc3339`, and empty for empty."""
    return rfc3339(text, label) if text.strip() else ""


def local_input(api_time: str | None) -> str:
    """An API timestamp as a ``datetime-local`` value in UTC (empty when there is none)."""
    moment = parse_time(api_time)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M") if moment else ""


def in_future(minutes: int, now: datetime | None = None) -> str:
    """A ``datetime-local`` value ``minutes`` from now, in UTC, as a form's default."""
    moment = (now or datetime.now(UTC)) + timedelta(minutes=minutes)
    return moment.strftime("%Y-%m-%dT%H:%M")
