"""OCPP-J framing: turning a WebSocket text frame into a CALL, CALLRESULT or CALLERROR,
and naming what is wrong with one that is none of them.

The ``ocpp`` library's ``ChargePoint.route_message`` logs an unparsable frame and drops
it, which leaves the station waiting for an answer until its own timeout. OCPP-J 1.6
§4.2.3 gives the receiver of a CALL it cannot process a CALLERROR to send instead; this
module decides which one, and the session sends it. Pure: no sockets, no clock.

Message shapes (OCPP-J 1.6 §4.2.1-§4.2.3)::

    [2, "<UniqueId>", "<Action>", {<Payload>}]                                CALL
    [3, "<UniqueId>", {<Payload>}]                                            CALLRESULT
    [4, "<UniqueId>", "<errorCode>", "<errorDescription>", {<errorDetails>}]  CALLERROR
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping
from typing import Any

from jsonschema import exceptions as schema_errors  # type: ignore[import-untyped]
from ocpp.exceptions import (
    FormatViolationError,
    OccurenceConstraintViolationError,
    OCPPError,
    PropertyConstraintViolationError,
    ProtocolError,
    TypeConstraintViolationError,
)
from ocpp.messages import Call, CallError, CallResult, MessageType, get_validator

from edge.ocpp_version import ErrorCodes, OcppVersion

# OCPP 2.0.1 Part 4 §4.2.3: a CALLERROR for a message whose MessageId cannot be read
# carries MessageId "-1". OCPP-J 1.6 is silent on this case; the edge uses the same rule.
UNKNOWN_ID = "-1"

# OCPP 2.0.1 Part 4 §4.3 limits errorDescription to 255 characters; 1.6 sets no limit,
# the same bound keeps every answer acceptable to every version.
MAX_DESCRIPTION = 255

# Recovers the UniqueId of a frame that is not valid JSON but starts like an OCPP message.
_LEADING_ID = re.compile(r'\s*\[\s*\d+\s*,\s*("(?:[^"\\]|\\.)*")')

_ELEMENTS = {
    MessageType.Call: ("CALL", 4, "[2, uniqueId, action, payload]"),
    MessageType.CallResult: ("CALLRESULT", 3, "[3, uniqueId, payload]"),
    MessageType.CallError: (
        "CALLERROR",
        5,
        "[4, uniqueId, errorCode, errorDescription, errorDetails]",
    ),
}


class Problem(enum.Enum):
    """What kind of framing fault, which decides the error code a version spells."""

    NOT_RPC = "the frame is not a valid OCPP-J RPC message"
    UNKNOWN_MESSAGE_TYPE = "the MessageTypeId is not 2, 3 or 4"


class FrameError(Exception):
    """A frame that is not a well-formed OCPP-J message.

    ``unique_id`` is the message's id when it could be read, else :data:`UNKNOWN_ID`.
    ``answerable`` is False when the frame was recognisably a CALLRESULT or CALLERROR:
    a CALLERROR answers a CALL (OCPP-J 1.6 §4.2.3), and answering a response with one
    could start an endless exchange of errors between two peers.
    """

    def __init__(self, problem: Problem, description: str, unique_id: str, answerable: bool):
        super().__init__(description)
        self.problem = problem
        self.description = description
        self.unique_id = unique_id
        self.answerable = answerable


def parse(
    frame: str | bytes, unanswered: frozenset[int] = frozenset()
) -> Call | CallResult | CallError:
    """The message in a frame, or :class:`FrameError` saying what is wrong with it.

    ``unanswered``: MessageTypeIds the session's version defines but the edge does not
    use and must not answer (OCPP-J 2.1 CALLRESULTERROR and SEND); such a frame is a
    FrameError that is not answerable.
    """
    if isinstance(frame, bytes):
        try:
            frame = frame.decode("utf-8")
        except UnicodeDecodeError:
            raise FrameError(
                Problem.NOT_RPC, "the frame is not UTF-8 text", UNKNOWN_ID, True
            ) from None
    try:
        message = json.loads(frame)
    except ValueError as error:
        raise FrameError(
            Problem.NOT_RPC, f"the frame is not valid JSON: {error}", _leading_id(frame), True
        ) from None
    if not isinstance(message, list) or not message:
        raise FrameError(
            Problem.NOT_RPC,
            "an OCPP-J message is a JSON array starting with its MessageTypeId, "
            f"got {_json_type(message)}",
            UNKNOWN_ID,
            True,
        )
    type_id = message[0]
    unique_id = message[1] if len(message) > 1 and isinstance(message[1], str) else UNKNOWN_ID
    if isinstance(type_id, int) and not isinstance(type_id, bool) and type_id in unanswered:
        raise FrameError(
            Problem.UNKNOWN_MESSAGE_TYPE,
            f"MessageTypeId {type_id} is not used by this CSMS and is not answered",
            unique_id,
            False,
        )
    if not isinstance(type_id, int) or isinstance(type_id, bool) or type_id not in _ELEMENTS:
        raise FrameError(
            Problem.UNKNOWN_MESSAGE_TYPE,
            f"MessageTypeId {json.dumps(type_id)} is not 2 (CALL), 3 (CALLRESULT) or 4 (CALLERROR)",
            unique_id,
            True,
        )
    answerable = type_id == MessageType.Call
    name, count, shape = _ELEMENTS[type_id]
    if len(message) != count:
        raise FrameError(
            Problem.NOT_RPC,
            f"a {name} has {count} elements {shape}, got {len(message)}",
            unique_id,
            answerable,
        )
    fault = _element_fault(message)
    if fault is not None:
        raise FrameError(Problem.NOT_RPC, f"in this {name}, {fault}", unique_id, answerable)
    if type_id == MessageType.Call:
        return Call(message[1], message[2], message[3])
    if type_id == MessageType.CallResult:
        return CallResult(message[1], message[2])
    return CallError(message[1], message[2], message[3], message[4])


def _element_fault(message: list[Any]) -> str | None:
    expected: list[tuple[str, type]] = [("uniqueId", str)]
    if message[0] == MessageType.Call:
        expected += [("action", str), ("payload", dict)]
    elif message[0] == MessageType.CallResult:
        expected += [("payload", dict)]
    else:
        expected += [("errorCode", str), ("errorDescription", str), ("errorDetails", dict)]
    for (name, kind), value in zip(expected, message[1:], strict=True):
        if not isinstance(value, kind):
            wanted = "a string" if kind is str else "an object"
            return f"{name} must be {wanted}, got {_json_type(value)}"
    return None


def _leading_id(text: str) -> str:
    match = _LEADING_ID.match(text)
    if match is None:
        return UNKNOWN_ID
    try:
        value = json.loads(match.group(1))
    except ValueError:
        return UNKNOWN_ID
    return value if isinstance(value, str) else UNKNOWN_ID


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an empty array" if not value else "an array"
    return "an object"


def payload_violation(
    message: Call | CallResult, action: str, version: OcppVersion
) -> OCPPError | None:
    """The schema violation in a payload, classified as the library classifies it, with
    a description that names the field: None when the payload is valid.

    Classification (OCPP-J 1.6 §4.2.3): a wrong JSON type or length is a
    TypeConstraintViolation, a missing required field a ProtocolError ("payload is
    incomplete"), an unexpected field a FormationViolation, a value outside its enum or
    range a PropertyConstraintViolation, a list too long or short an occurrence violation.
    """
    validator = get_validator(message.message_type_id, action, version.name)
    error = schema_errors.best_match(validator.iter_errors(message.payload))
    if error is None:
        return None
    return _classify(error, action)


def _classify(error: schema_errors.ValidationError, action: str) -> OCPPError:
    where = _path(error)
    description = f"{action}: {where + ': ' if where else ''}{error.message}"
    kind: type[OCPPError]
    if error.validator in ("type", "maxLength", "minLength", "format"):
        kind = TypeConstraintViolationError
    elif error.validator == "required":
        kind = ProtocolError
    elif error.validator in ("enum", "minimum", "maximum", "pattern", "multipleOf"):
        kind = PropertyConstraintViolationError
    elif error.validator in ("minItems", "maxItems", "uniqueItems"):
        kind = OccurenceConstraintViolationError
    else:
        kind = FormatViolationError
    return kind(description=description)


def _path(error: schema_errors.ValidationError) -> str:
    text = ""
    for part in error.absolute_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_SPELLINGS: Mapping[str, str] = {
    "FormatViolation": "format_violation",
    "FormationViolation": "format_violation",
    "OccurenceConstraintViolation": "occurrence_constraint_violation",
    "OccurrenceConstraintViolation": "occurrence_constraint_violation",
}


def error_code(error: OCPPError, codes: ErrorCodes) -> str:
    """The error's code as this version spells it: the one place where the library's
    2.x spelling (it raises FormatViolation even for 1.6) becomes the version's own."""
    field = _SPELLINGS.get(error.code)
    return str(error.code) if field is None else str(getattr(codes, field))


def frame_error_code(error: FrameError, codes: ErrorCodes) -> str:
    if error.problem is Problem.UNKNOWN_MESSAGE_TYPE:
        return codes.message_type_not_supported
    return codes.rpc_framework_error


def call_error(unique_id: str, code: str, description: str) -> str:
    """A CALLERROR frame. The description is for a person and says what to change."""
    if len(description) > MAX_DESCRIPTION:
        description = description[: MAX_DESCRIPTION - 1] + "…"
    return str(CallError(unique_id, code, description, {}).to_json())
