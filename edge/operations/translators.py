"""What an OCPP version must provide for the EdgeService operations: per typed operation,
the action it sends and a pure translator pair; and for the generic Send, the actions
the CSMS may send and the library's payload classes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from google.protobuf.message import Message


@dataclass(frozen=True)
class Operation:
    """One typed operation in one OCPP version.

    ``request`` turns the protobuf request into the library's call payload (an
    ``ocpp.v16.call`` dataclass for 1.6), raising
    :class:`~edge.operations.errors.InvalidRequest` when it cannot; ``answer`` turns the
    library's result payload (already checked against the schema) into the protobuf
    response. Both are pure.
    """

    action: str
    request: Callable[[Any], Any]
    answer: Callable[[Any], Message]


@dataclass(frozen=True)
class VersionOperations:
    """Everything the dispatcher needs from one version: ``typed`` by RPC name
    ("RequestStartTransaction"), the actions a CSMS sends in that version, and the module
    of the library's call payload classes (one per action, named after it)."""

    typed: Mapping[str, Operation]
    outgoing_actions: frozenset[str]
    calls: ModuleType


class AnswerFault(ValueError):
    """Raised by an answer translator for a value the schema cannot check (a date-time
    that is not one); the dispatcher reports it as an invalid answer of the station."""
