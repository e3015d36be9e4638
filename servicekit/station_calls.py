"""Calling a charge point through the edge's EdgeService, the way every service does it.

auth_svc sends local lists and passwords, transaction_svc reservations; each of their edge
clients used to repeat the same three things, which live here once:

- the call goes out with what is left of the deadline of the call being served
  (:func:`servicekit.deadlines.within_caller`) and with the log context
  (:func:`servicekit.log_context.metadata`), so the edge logs the station's call under the
  operator's request;
- a failure becomes the station error that keeps the edge's status
  (:func:`servicekit.edge_errors.station_error`): the caller of a service learns that the
  station is not connected, did not answer or answered with a CALLERROR exactly as it would
  calling the edge;
- the answer is an enum number of ``csms/edge/v1/operations.proto``, and an edge newer than
  this service may send one this service's copy of the protos does not name. Such an answer
  is never taken for an acceptance: :func:`answer` gives the caller's stated fallback, and
  :func:`answer_name` says there is no name so the caller can keep the number.

Each service keeps its own adapter (``adapters/edge_client.py``) for what is its own: the
requests it builds from its domain, and what an answer means to it.
"""

from __future__ import annotations

import enum
from typing import Any, Protocol, TypeVar

import grpc

from csms.edge.v1 import edge_pb2_grpc
from servicekit import log_context
from servicekit.deadlines import within_caller
from servicekit.edge_errors import station_error


class StationRequest(Protocol):
    """Every EdgeService request names the charge point it is for."""

    @property
    def charge_point_id(self) -> str: ...


class AnswerValues(Protocol):
    """A generated protobuf enum (``operations_pb2.SendLocalListResponse.Status``, ...)."""

    def Name(self, number: Any) -> str: ...

    def values(self) -> list[Any]: ...


RequestT = TypeVar("RequestT", bound=StationRequest)
ResponseT = TypeVar("ResponseT")
AnswerT = TypeVar("AnswerT", bound=enum.Enum)


class StationCalls:
    """The edge's EdgeService, called with a deadline of ``timeout`` seconds at most. The
    channel belongs to the caller (the composition root opens and closes it)."""

    def __init__(self, channel: grpc.aio.Channel, timeout: float) -> None:
        self.edge = edge_pb2_grpc.EdgeServiceStub(channel)
        self._timeout = timeout

    async def call(
        self, method: grpc.aio.UnaryUnaryMultiCallable[RequestT, ResponseT], request: RequestT
    ) -> ResponseT:
        """``method`` (one of :attr:`edge`'s) with ``request``; a failure raises the
        :mod:`servicekit.edge_errors` error of its status, naming the request's station."""
        try:
            return await method(
                request, timeout=within_caller(self._timeout), metadata=log_context.metadata()
            )
        except grpc.aio.AioRpcError as error:
            raise station_error(request.charge_point_id, error) from error


def answer_name(values: AnswerValues, number: int) -> str | None:
    """The name ``values`` gives ``number``; None when this service's protos name no such
    answer (a newer edge sent it)."""
    return values.Name(number) if number in values.values() else None


def answer(
    values: AnswerValues, number: int, answers: type[AnswerT], *, otherwise: AnswerT
) -> AnswerT:
    """The station's answer as the member of ``answers`` with the same name; ``otherwise``
    when the edge gave none (0, ``STATUS_UNSPECIFIED``) or one this service does not know,
    which is never an acceptance."""
    name = answer_name(values, number)
    if name is None or number == 0:
        return otherwise
    return answers[name]
