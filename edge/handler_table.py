"""The handlers of a session class, by OCPP action: one ``@on`` method per action the
class answers, found once per class rather than once per connection.

An idle connection is most of what an edge holds, thousands of times over, so nothing
here is built per connection: :func:`handlers_of` runs when a session class is defined
(``Session.__init_subclass__``), and a CALL is routed by one dictionary look-up in its
class's table, the handler called with the session as ``self``.

The marks are the edge's own (not ``ocpp.routing.on``, whose attributes are the library's
private business): ``@on(action)`` names the action a method answers, ``@verbatim`` asks
for the payload's keys as sent.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

Handler = Callable[..., Awaitable[Any]]
Marked = TypeVar("Marked", bound=Callable[..., Any])

# The attributes the marks set on a handler function.
_ACTION = "ocpp_action"
_VERBATIM = "ocpp_verbatim"


def on(action: str) -> Callable[[Marked], Marked]:
    """Marks a method as the handler of the CALLs of ``action`` (an ``Action`` enum member
    or its name)."""
    name = str(action.value) if isinstance(action, enum.Enum) else action

    def mark(handler: Marked) -> Marked:
        setattr(handler, _ACTION, name)
        return handler

    return mark


def verbatim(handler: Marked) -> Marked:
    """Marks a handler that receives the payload's keys as sent (camelCase) rather than
    snake_cased: for payloads carrying free JSON (DataTransfer ``data``), whose keys the
    conversion would rewrite ("vendorKey" into "vendor_key")."""
    setattr(handler, _VERBATIM, True)
    return handler


def is_verbatim(handler: Handler) -> bool:
    """Whether ``handler`` was marked :func:`verbatim`."""
    return bool(getattr(handler, _VERBATIM, False))


def handlers_of(cls: type) -> dict[str, Handler]:
    """The ``@on`` methods of ``cls``, inherited ones too, by action (a method
    that overrides another replaces it)."""
    table: dict[str, Handler] = {}
    for name in dir(cls):
        attribute = getattr(cls, name, None)
        action = getattr(attribute, _ACTION, None)
        if isinstance(action, str):
            table[action] = cast(Handler, attribute)
    return table
