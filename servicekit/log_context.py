"""What a log line is about: the charge point, OCPP message and action being handled.

The context lives in a :class:`~contextvars.ContextVar`, so it follows the asyncio task
that handles a station (and the tasks it starts) without being passed through every call,
and two stations served by one event loop never see each other's. :func:`bind` adds
fields for the duration of a ``with`` block; :class:`ContextFilter`, installed on the log
handler by :mod:`servicekit.logs`, copies them onto every record, where the formatters
find them.

The context also crosses the gRPC hop: the edge sends it as request metadata
(:func:`metadata`) and every service's :class:`ContextInterceptor` binds it again, so a
service's log line names the station and the OCPP message that caused it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, unquote

import grpc

from servicekit.interceptors import Behavior, UnaryInterceptor

# In the order the formatters print them.
FIELDS = ("charge_point_id", "message_id", "action")

# gRPC metadata keys (lower case, RFC 7230 token characters) of each field.
_METADATA_KEYS = {field: "csms-" + field.replace("_", "-") for field in FIELDS}

_EMPTY: Mapping[str, str] = MappingProxyType({})
# Module-level by necessity: a ContextVar must be created once, not per call. It holds
# no state of its own; each task sees its own context's value.
_CONTEXT: ContextVar[Mapping[str, str]] = ContextVar("csms_log_context", default=_EMPTY)


@contextmanager
def bind(
    *,
    charge_point_id: str | None = None,
    message_id: str | None = None,
    action: str | None = None,
) -> Iterator[None]:
    """Add the given fields (``None``: leave as is) to every log line of this task, and
    of the tasks it starts, until the block ends."""
    given = {"charge_point_id": charge_point_id, "message_id": message_id, "action": action}
    token = _CONTEXT.set(
        MappingProxyType(
            {**_CONTEXT.get(), **{key: value for key, value in given.items() if value is not None}}
        )
    )
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def current() -> Mapping[str, str]:
    """The fields bound here, in :data:`FIELDS` order."""
    bound = _CONTEXT.get()
    return {field: bound[field] for field in FIELDS if field in bound}


class ContextFilter(logging.Filter):
    """Copies the bound fields onto each record (``record.charge_point_id`` ...), unless
    the call gave its own through ``extra=``. Lets every record through."""

    def filter(self, record: logging.LogRecord) -> bool:
        for field, value in current().items():
            if getattr(record, field, None) is None:
                setattr(record, field, value)
        return True


def fields_of(record: logging.LogRecord) -> dict[str, str]:
    """The context fields a record carries, in :data:`FIELDS` order."""
    found = {field: getattr(record, field, None) for field in FIELDS}
    return {field: str(value) for field, value in found.items() if value is not None}


def metadata() -> tuple[tuple[str, str], ...]:
    """The bound fields as gRPC request metadata.

    Values are percent-encoded: a message id is whatever the station sent, and gRPC
    refuses a non-ASCII or control character in a text metadata value.
    """
    return tuple((_METADATA_KEYS[field], quote(value)) for field, value in current().items())


def from_metadata(pairs: Iterable[tuple[str, str | bytes]] | None) -> dict[str, str]:
    """The fields :func:`metadata` encoded, read back from received metadata."""
    keys = {key: field for field, key in _METADATA_KEYS.items()}
    found: dict[str, str] = {}
    for key, value in pairs or ():
        field = keys.get(key)
        if field is not None and isinstance(value, str):
            found[field] = unquote(value)
    return found


class ContextInterceptor(UnaryInterceptor):
    """Binds the context the caller sent (:func:`metadata`) around each unary call, so
    the servicer's log lines, and those of the interceptors after this one, carry it."""

    def wrap(self, details: grpc.HandlerCallDetails, inner: Behavior) -> Behavior | None:
        fields = from_metadata(details.invocation_metadata)
        if not fields:
            return None

        async def bound(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            with bind(**fields):
                return await inner(request, context)

        return bound
