"""OCPP-J framing: turning a WebSocket text frame into a CALL, CALLRESULT or CALLERROR,
and naming what is wrong with one that is none of them.

The ``ocpp`` library's ``ChargePoint.route_message`` logs an unparsable frame and drops
it, which leaves the station waiting for an answer until its own timeout. OCPP-J 1.6
§4.2.3 gives the receiver of a CALL it cannot process a CALLERROR to send instead; this
module decides which one, :mod:`edge.inbound_frames` asks for it, and the session sends
it. Pure: no sockets, no clock.

A frame is also refused, with the same CALLERROR as unparsable text, when it is JSON the
rest of the CSMS cannot carry (:data:`MAX_DEPTH`, :func:`_unreadable`): nesting deeper
than any OCPP message needs (Python's decoder would otherwise raise ``RecursionError``
from deep inside the reading loop), ``NaN`` and ``Infinity`` (not JSON, RFC 8259 §6, yet
Python reads them), and strings with a lone UTF-16 surrogate or a NUL character (RFC 8259
§8.2; neither can be sent on as UTF-8 nor stored in PostgreSQL ``text``).

Message shapes (OCPP-J 1.6 §4.2.1-§4.2.3)::

    [2, "<UniqueId>", "<Action>", {<Payload>}]                                CALL
    [3, "<UniqueId>", {<Payload>}]                                            CALLRESULT
    [4, "<UniqueId>", "<errorCode>", "<errorDescription>", {<errorDetails>}]  CALLERROR
"""

from __future__ import annotations

import enum
import json
import math
import re
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft4Validator, validators  # type: ignore[import-untyped]
from jsonschema import exceptions as schema_errors
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

# OCPP-J 1.6 §4.1.4 and 2.0.1 Part 4 §4.1.4: the UniqueId (MessageId) is a string of at most
# 36 characters, room for a UUID; an empty one correlates nothing. A CALL whose id breaks
# this is answered with a CALLERROR carrying UNKNOWN_ID, since echoing the id back would
# make the CSMS's own frame break the same rule.
MAX_UNIQUE_ID = 36

# OCPP 2.0.1 Part 4 §4.3 limits errorDescription to 255 characters; 1.6 sets no limit,
# the same bound keeps every answer acceptable to every version.
MAX_DESCRIPTION = 255

# How deep a frame may nest arrays and objects, the frame's own array included. The
# deepest OCPP payload (2.x ReportChargingProfiles) nests 13 levels, 14 with the frame; twice
# that leaves room for vendor data (2.x DataTransfer ``data`` is any JSON) and stays far
# below the depth at which Python's decoder gives up.
MAX_DEPTH = 32

# OCPP's integer is 32-bit signed (OCPP 2.0.1 Part 2 §2.1 primitive datatypes; the 1.6
# WSDL's xs:int): the schemas say only "integer", and a larger number would reach a
# protobuf int32 field and fail there.
INT32 = range(-(2**31), 2**31)

# Recovers the MessageTypeId and UniqueId of a frame that cannot be read but starts like an
# OCPP message.
_LEADING_ID = re.compile(r'\s*\[\s*(\d+)\s*,\s*("(?:[^"\\]|\\.)*")')

# Characters a string may not hold: a lone surrogate (only JSON's \uXXXX escapes produce one)
# is not a Unicode scalar value and cannot be encoded as UTF-8; NUL cannot be stored.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

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
    except RecursionError:
        raise _unread(frame, _too_deep(), unanswered) from None
    except ValueError as error:
        description = f"the frame is not valid JSON: {_json_error(error)}"
        raise _unread(frame, description, unanswered) from None
    fault = _unreadable(message)
    if fault is not None:
        type_id = message[0] if isinstance(message, list) and message else None
        unique_id = message[1] if isinstance(message, list) and len(message) > 1 else None
        raise _refusal(type_id, unique_id, fault, unanswered)
    if not isinstance(message, list) or not message:
        raise FrameError(
            Problem.NOT_RPC,
            "an OCPP-J message is a JSON array starting with its MessageTypeId, "
            f"got {_json_type(message)}",
            UNKNOWN_ID,
            True,
        )
    type_id = message[0]
    unique_id = _readable_id(message[1] if len(message) > 1 else None)
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


def _valid_unique_id(unique_id: str) -> bool:
    return 1 <= len(unique_id) <= MAX_UNIQUE_ID


def _readable_id(unique_id: object) -> str:
    """The id to answer with: the frame's own when it is a valid one, else UNKNOWN_ID."""
    if isinstance(unique_id, str) and _valid_unique_id(unique_id):
        return unique_id
    return UNKNOWN_ID


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
    if not _valid_unique_id(message[1]):
        return f"uniqueId must be 1 to {MAX_UNIQUE_ID} characters, got {len(message[1])}"
    return None


def _unread(text: str, description: str, unanswered: frozenset[int]) -> FrameError:
    """The refusal of a frame that could not be decoded, with its MessageTypeId and
    UniqueId when it starts like an OCPP message."""
    match = _LEADING_ID.match(text)
    if match is None:
        return FrameError(Problem.NOT_RPC, description, UNKNOWN_ID, True)
    try:
        unique_id = json.loads(match.group(2))
    except ValueError:
        unique_id = None
    return _refusal(int(match.group(1)), unique_id, description, unanswered)


def _refusal(
    type_id: object, unique_id: object, description: str, unanswered: frozenset[int]
) -> FrameError:
    """A frame that cannot be carried: answerable unless it is a response (or a type the
    version never answers), with its UniqueId when that is a string that can be sent back."""
    readable = unique_id if isinstance(unique_id, str) else UNKNOWN_ID
    if _UNSTORABLE.search(readable) is not None or not _valid_unique_id(readable):
        readable = UNKNOWN_ID
    never_answered = {MessageType.CallResult, MessageType.CallError, *unanswered}
    response = (
        isinstance(type_id, int) and not isinstance(type_id, bool) and type_id in never_answered
    )
    return FrameError(Problem.NOT_RPC, description, readable, not response)


def _json_error(error: ValueError) -> str:
    # Python's message for an over-long integer tells the reader to call a Python function.
    if "integer string conversion" in str(error):
        return "a number has more than 4300 digits"
    return str(error)


def _too_deep() -> str:
    return f"the frame nests arrays and objects more than {MAX_DEPTH} levels deep"


def _unreadable(message: Any) -> str | None:
    """Why a decoded frame cannot be carried further, or None. Walks the value with its own
    stack, so no depth the decoder accepted can exhaust Python's."""
    pending: list[tuple[Any, int]] = [(message, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if _UNSTORABLE.search(value) is not None:
                return (
                    "a string in the frame holds a NUL character or a lone UTF-16 surrogate "
                    "(\\u0000, \\ud800-\\udfff), which is not text"
                )
        elif isinstance(value, float):
            if not math.isfinite(value):
                return (
                    "the frame is not valid JSON: NaN, Infinity and numbers beyond ±1.8e308 "
                    "are not JSON numbers"
                )
        elif isinstance(value, list | dict):
            if depth > MAX_DEPTH:
                return _too_deep()
            children = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            pending.extend((child, depth + 1) for child in children)
    return None


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
    schema = get_validator(message.message_type_id, action, version.name).schema
    error = schema_errors.best_match(_OcppValidator(schema).iter_errors(message.payload))
    if error is None:
        return None
    return _classify(error, action)


def _ocpp_integer(checker: Any, instance: object) -> bool:
    return bool(Draft4Validator.TYPE_CHECKER.is_type(instance, "integer")) and instance in INT32


# Draft 4 (the OCPP schemas' draft) with OCPP's 32-bit integer.
_OcppValidator = validators.extend(
    Draft4Validator,
    type_checker=Draft4Validator.TYPE_CHECKER.redefine("integer", _ocpp_integer),
)


def _classify(error: schema_errors.ValidationError, action: str) -> OCPPError:
    where = _path(error)
    reason = error.message
    if error.validator == "type" and _out_of_int32(error.instance):
        reason = f"{error.instance} is outside OCPP's 32-bit integer range"
    description = f"{action}: {where + ': ' if where else ''}{reason}"
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


def _out_of_int32(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value not in INT32


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
