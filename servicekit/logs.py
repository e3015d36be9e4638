"""Logging set-up for a CSMS process: one line per event, as key=value text or as JSON.

``CSMS_LOG_FORMAT=text`` (the default) is for a person reading a terminal::

    <time> level=INFO component=edge-1 logger=edge.server charge_point_id=CP1 connected

``CSMS_LOG_FORMAT=json`` is one JSON object per line, for a log shipper::

    {"ts": "<RFC 3339 UTC>", "level": "INFO", "component": "edge-1",
     "logger": "edge.server", "message": "connected", "charge_point_id": "CP1"}

Both carry the fields of :mod:`servicekit.log_context` (charge point id, OCPP message id,
action) where they are bound. A message that still starts with them, written before the
context existed ("charge_point=CP1 message_id=7 ..."), is not made to say them twice.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TextIO

from servicekit.log_context import ContextFilter, fields_of
from servicekit.observability_settings import LogFormat

# The words a message may start with that name a context field, and the field.
_MESSAGE_PREFIXES = {
    "charge_point": "charge_point_id",
    "charge_point_id": "charge_point_id",
    "message_id": "message_id",
    "action": "action",
}
# A text value printed as is; any other is quoted, so a station's message id cannot
# forge fields or lines.
_PLAIN = re.compile(r"[\w.:/@+#*-]+")


def configure(
    component: str,
    level: str,
    log_format: LogFormat = LogFormat.TEXT,
    *,
    stream: TextIO | None = None,
) -> None:
    """Send this process's log records at ``level`` or above to ``stream`` (stderr), in
    ``log_format``, each naming ``component`` ("edge-1", "auth")."""
    handler = logging.StreamHandler(sys.stderr if stream is None else stream)
    formatter: logging.Formatter = (
        JsonFormatter(component) if log_format is LogFormat.JSON else TextFormatter(component)
    )
    handler.setFormatter(formatter)
    handler.addFilter(ContextFilter())
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # The ocpp library logs every frame at INFO; that belongs at DEBUG in a server.
    logging.getLogger("ocpp").setLevel(max(logging.getLevelName(level), logging.WARNING))
    logging.getLogger("websockets").setLevel(max(logging.getLevelName(level), logging.WARNING))
    # Alembic says at INFO what it set up and every revision it applies: dozens of lines
    # before `csms up`'s banner on a new data directory. They are for LOG_LEVEL=DEBUG;
    # its warnings and errors still show.
    debug = logging.getLevelName(level) <= logging.DEBUG
    logging.getLogger("alembic").setLevel(logging.NOTSET if debug else logging.WARNING)


class TextFormatter(logging.Formatter):
    """``<time> level=.. component=.. logger=.. [context fields] message``, and the
    traceback on the lines after, if any."""

    def __init__(self, component: str) -> None:
        super().__init__()
        self.component = component

    def format(self, record: logging.LogRecord) -> str:
        context = fields_of(record)
        words = [
            self.formatTime(record),
            f"level={record.levelname}",
            f"component={self.component}",
            f"logger={record.name}",
            *(f"{field}={_text_value(value)}" for field, value in context.items()),
            without_context(record.getMessage(), context),
        ]
        return _with_trace(self, record, " ".join(words))


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ``ts`` (RFC 3339, UTC), ``level``, ``component``,
    ``logger``, ``message``, the context fields that are bound, and ``exception`` (the
    traceback) when there is one."""

    def __init__(self, component: str) -> None:
        super().__init__()
        self.component = component

    def format(self, record: logging.LogRecord) -> str:
        context = fields_of(record)
        line: dict[str, str] = {
            "ts": rfc3339(record.created),
            "level": record.levelname,
            "component": self.component,
            "logger": record.name,
            "message": without_context(record.getMessage(), context),
            **context,
        }
        trace = _with_trace(self, record, "")
        if trace:
            line["exception"] = trace.lstrip("\n")
        return json.dumps(line, ensure_ascii=False)


def rfc3339(created: float) -> str:
    """``created`` (seconds since the epoch) as RFC 3339 UTC with milliseconds."""
    moment = datetime.fromtimestamp(created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def without_context(message: str, context: Mapping[str, str]) -> str:
    """``message`` without the leading ``charge_point=.. message_id=.. action=..`` words
    whose values the context fields already say."""
    rest = message
    while True:
        word, space, after = rest.partition(" ")
        key, equals, value = word.partition("=")
        field = _MESSAGE_PREFIXES.get(key)
        if not equals or field is None or context.get(field) != value:
            return rest
        rest = after if space else ""


def _text_value(value: str) -> str:
    return value if _PLAIN.fullmatch(value) else json.dumps(value, ensure_ascii=False)


def _with_trace(formatter: logging.Formatter, record: logging.LogRecord, line: str) -> str:
    """``line`` and, on the lines after, the record's traceback and stack, if any."""
    if record.exc_info and not record.exc_text:
        record.exc_text = formatter.formatException(record.exc_info)
    if record.exc_text:
        line = f"{line}\n{record.exc_text}"
    if record.stack_info:
        line = f"{line}\n{formatter.formatStack(record.stack_info)}"
    return line
