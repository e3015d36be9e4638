"""The log formats: key=value text and JSON lines, with and without a bound context, and
LOG_LEVEL honoured by configure()."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from servicekit import log_context, logs
from servicekit.log_context import ContextFilter
from servicekit.observability_settings import LogFormat

pytestmark = pytest.mark.unit


TEXT_PREFIX = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} "
RFC3339_UTC = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"


def _record(message: str, *args: Any, level: int = logging.INFO, **extra: Any) -> logging.LogRecord:
    record = logging.LogRecord("edge.session", level, __file__, 1, message, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    ContextFilter().filter(record)
    return record


def test_text_without_context_is_the_plain_line() -> None:
    line = logs.TextFormatter("edge-1").format(_record("listening on %s", "127.0.0.1:9000"))
    assert re.fullmatch(
        TEXT_PREFIX + "level=INFO component=edge-1 logger=edge.session listening on 127.0.0.1:9000",
        line,
    )


def test_text_with_context_puts_the_fields_before_the_message() -> None:
    with log_context.bind(charge_point_id="CP1", message_id="42", action="Heartbeat"):
        line = logs.TextFormatter("edge-1").format(_record("answered"))
    assert line.endswith(
        "level=INFO component=edge-1 logger=edge.session"
        " charge_point_id=CP1 message_id=42 action=Heartbeat answered"
    )


def test_text_quotes_a_value_that_could_forge_fields() -> None:
    with log_context.bind(charge_point_id="CP1", message_id="1 level=ERROR\nx"):
        line = logs.TextFormatter("edge-1").format(_record("answered"))
    assert 'message_id="1 level=ERROR\\nx" answered' in line
    assert "\n" not in line


def test_json_without_context_has_the_base_keys() -> None:
    line = logs.JsonFormatter("auth").format(_record("id tag created id_tag=%s", "T1"))
    parsed = json.loads(line)
    assert set(parsed) == {"ts", "level", "component", "logger", "message"}
    assert re.fullmatch(RFC3339_UTC, parsed["ts"])
    assert parsed["level"] == "INFO"
    assert parsed["component"] == "auth"
    assert parsed["logger"] == "edge.session"
    assert parsed["message"] == "id tag created id_tag=T1"


def test_json_with_context_has_the_fields_as_keys() -> None:
    with log_context.bind(charge_point_id="CP-é", message_id="m-1", action="Authorize"):
        line = logs.JsonFormatter("edge-2").format(_record("answered", level=logging.WARNING))
    parsed = json.loads(line)
    assert parsed["level"] == "WARNING"
    assert parsed["charge_point_id"] == "CP-é"
    assert parsed["message_id"] == "m-1"
    assert parsed["action"] == "Authorize"
    assert parsed["message"] == "answered"
    assert "\n" not in line


def test_a_message_that_names_the_context_does_not_say_it_twice() -> None:
    message = "charge_point=%s message_id=%s action=%s answered %s"
    with log_context.bind(charge_point_id="CP1", message_id="7", action="Authorize"):
        record = _record(message, "CP1", "7", "Authorize", "SecurityError")
        text = logs.TextFormatter("edge-1").format(record)
        parsed = json.loads(logs.JsonFormatter("edge-1").format(record))
    assert parsed["message"] == "answered SecurityError"
    assert text.count("CP1") == 1 and text.endswith("action=Authorize answered SecurityError")


def test_a_message_naming_something_else_keeps_it() -> None:
    with log_context.bind(charge_point_id="CP1"):
        record = _record("charge_point=%s replaces %s", "CP2", "CP1")
        parsed = json.loads(logs.JsonFormatter("edge-1").format(record))
    assert parsed["message"] == "charge_point=CP2 replaces CP1"


def test_extra_fields_win_over_the_context() -> None:
    with log_context.bind(charge_point_id="CP1"):
        record = _record("moved", charge_point_id="CP9")
    assert json.loads(logs.JsonFormatter("edge-1").format(record))["charge_point_id"] == "CP9"


def test_json_carries_the_traceback() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "edge.session", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    parsed = json.loads(logs.JsonFormatter("edge-1").format(record))
    assert parsed["message"] == "failed"
    assert "ValueError: boom" in parsed["exception"]


def test_rfc3339_is_utc() -> None:
    assert logs.rfc3339(0.5) == "1970-01-01T00:00:00.500Z"


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """configure() replaces the root handlers; give pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    libraries = {name: logging.getLogger(name).level for name in ("ocpp", "websockets")}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, library_level in libraries.items():
        logging.getLogger(name).setLevel(library_level)


@pytest.mark.usefixtures("restored_logging")
@pytest.mark.parametrize("log_format", list(LogFormat))
def test_log_level_filters(log_format: LogFormat) -> None:
    stream = io.StringIO()
    logs.configure("edge-1", "WARNING", log_format, stream=stream)
    log = logging.getLogger("edge.session")
    with log_context.bind(charge_point_id="CP1"):
        log.info("not shown")
        log.warning("shown")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert "shown" in lines[0] and "charge_point_id" in lines[0]
    if log_format is LogFormat.JSON:
        assert json.loads(lines[0])["charge_point_id"] == "CP1"


@pytest.mark.usefixtures("restored_logging")
def test_debug_level_lets_debug_through_but_keeps_library_frames_quiet() -> None:
    stream = io.StringIO()
    logs.configure("edge-1", "DEBUG", LogFormat.JSON, stream=stream)
    logging.getLogger("edge.session").debug("routing")
    logging.getLogger("ocpp").info("a frame")
    levels = [json.loads(line)["level"] for line in stream.getvalue().splitlines()]
    assert levels == ["DEBUG"]
