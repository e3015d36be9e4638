"""Field rules shared by the OCPP 2.x operation translators, on top of the
version-neutral ones of :mod:`edge.v16.operations.fields`. Translators here return the
keyword arguments of the version's call class (snake_case, nested objects as dicts), so
OCPP 2.0.1 and 2.1 share them. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from edge.operations.errors import InvalidRequest
from edge.operations.translators import AnswerFault

Kwargs = dict[str, Any]
Value = TypeVar("Value")

# OCPP 2.0.1 §2 IdTokenEnumType: "Central" is a token the CSMS generated (a remote start
# needs no card); "ISO14443" an RFID card's UID, the id tags of this CSMS's local lists.
CENTRAL = "Central"
CARD = "ISO14443"


def mapped(table: Mapping[str, Value], text: str, field: str) -> Value:
    """The API value of a word in a station's answer. The schema already checked the
    word; one the API has no value for (a later version's addition) is an answer the
    edge cannot express, reported as such rather than guessed."""
    value = table.get(text)
    if value is None:
        raise AnswerFault(f"{field} {text!r} has no equivalent in the CSMS API")
    return value


def id_token(text: str, token_type: str) -> Kwargs:
    """OCPP 2.0.1 IdTokenType: the id tag of the API is ``idToken.idToken``."""
    return {"id_token": text, "type": token_type}


def evse(evse_id: int, field: str = "evse_id") -> Kwargs | None:
    """OCPP 2.0.1 EVSEType for an EVSE number; 0 (not about one EVSE) omits it."""
    if evse_id < 0:
        raise InvalidRequest(f"{field} must be 0 (the whole station) or more, got {evse_id}")
    return {"id": evse_id} if evse_id else None


def positive(value: int, field: str) -> int:
    if value <= 0:
        raise InvalidRequest(f"{field} must be 1 or more, got {value}")
    return value


def non_negative(value: int, field: str, zero: str) -> int:
    """A number where 0 has a meaning (``zero``, e.g. "the whole station")."""
    if value < 0:
        raise InvalidRequest(f"{field} must be 0 ({zero}) or more, got {value}")
    return value
