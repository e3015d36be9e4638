"""The ``ocpp`` library's ``ChargePoint`` made light to hold by the thousand.

An idle connection is most of what an edge holds, and the library's ``__init__`` gives
every one a routing table of bound methods (about 3 KiB) and an ``asyncio.Queue`` for the
answers to the CSMS's own CALLs (four deques, about 3 KiB), most of which never get such a
CALL. :class:`LeanChargePoint` keeps one routing table per class (:attr:`handlers`,
looked up by action and called with the session) and drops the answer queue: sessions
correlate their own CALLs (:mod:`edge.outbound_calls`), so only the library's ``call()``,
which they do not use, would make one. ``tests/edge/test_session_footprint.py`` holds the
class table to what the library builds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ClassVar, cast

from ocpp.charge_point import ChargePoint
from ocpp.routing import create_route_map

Handler = Callable[..., Awaitable[Any]]


def handlers_of(cls: type) -> dict[str, Handler]:
    """The ``@on`` methods of ``cls``, inherited ones too, by action: what the library's
    ``create_route_map`` finds on an instance, as functions."""
    table: dict[str, Handler] = {}
    for name in dir(cls):
        attribute = getattr(cls, name, None)
        action = getattr(attribute, "_on_action", None)
        if isinstance(action, str):
            table[action] = cast(Handler, attribute)
    return table


class LeanChargePoint(ChargePoint):  # type: ignore[misc]
    """``ChargePoint`` without its per-connection routing table and idle answer queue."""

    # Each ``@on`` method of the class by action, built once per class.
    handlers: ClassVar[Mapping[str, Handler]] = {}
    # The library's answer queue, made only if its own ``call()`` asks for it.
    _answers: asyncio.Queue[Any] | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.handlers = handlers_of(cls)

    @property
    def route_map(self) -> dict[str, dict[str, Any]]:
        """The library's routing table, built when asked; sessions route with
        :attr:`handlers`."""
        return cast(dict[str, dict[str, Any]], create_route_map(self))

    @route_map.setter
    def route_map(self, _table: object) -> None:
        """Drops the table the library's ``__init__`` builds for each connection."""

    @property
    def _response_queue(self) -> asyncio.Queue[Any]:
        """The queue through which the library's ``call()`` gets the station's answers."""
        if self._answers is None:
            self._answers = asyncio.Queue()
        return self._answers

    @_response_queue.setter
    def _response_queue(self, _queue: object) -> None:
        """Drops the queue the library's ``__init__`` builds for each connection."""
        self._answers = None
