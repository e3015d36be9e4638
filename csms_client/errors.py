"""The one exception of the client, carrying the gRPC status and, when a charge point
answered with a CALLERROR, its OCPP error code and description.

::

    CsmsError                 any call that did not succeed
     (code: grpc.StatusCode, message, ocpp_code, ocpp_description, reason)

EdgeService reports a station's CALLERROR as FAILED_PRECONDITION with a google.rpc.ErrorInfo
whose reason is ``OCPP_CALL_ERROR`` and whose metadata holds ``code`` and ``description``
(OCPP-J 1.6 §4.2.3, CALLERROR); the status travels in ``grpc-status-details-bin``.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Protocol, TypeVar, cast

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

OCPP_CALL_ERROR = "OCPP_CALL_ERROR"

Request_contra = TypeVar("Request_contra", contravariant=True)
Response_co = TypeVar("Response_co", covariant=True)
Request = TypeVar("Request")
Response = TypeVar("Response")


class UnaryCall(Protocol[Request_contra, Response_co]):
    """An asyncio unary-unary stub method (``stub.GetChargePoint``)."""

    def __call__(
        self, request: Request_contra, *, timeout: float | None = ...
    ) -> Awaitable[Response_co]: ...


@dataclass(frozen=True)
class ErrorDetail:
    """The google.rpc.ErrorInfo of a failed call, when the server sent one."""

    reason: str
    domain: str
    metadata: dict[str, str]


class CsmsError(Exception):
    """A CSMS call failed: ``code`` says how, ``message`` says what was wrong."""

    def __init__(
        self, code: grpc.StatusCode, message: str, detail: ErrorDetail | None = None
    ) -> None:
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message
        self.detail = detail

    @property
    def ocpp_code(self) -> str | None:
        """The CALLERROR code the charge point answered with (e.g. ``NotImplemented``)."""
        return self._ocpp("code")

    @property
    def ocpp_description(self) -> str | None:
        return self._ocpp("description")

    def _ocpp(self, key: str) -> str | None:
        if self.detail is None or self.detail.reason != OCPP_CALL_ERROR:
            return None
        return self.detail.metadata.get(key)

    @classmethod
    def from_rpc_error(cls, error: grpc.aio.AioRpcError) -> CsmsError:
        return cls(error.code(), error.details() or "", _error_info(error))


def _error_info(error: grpc.aio.AioRpcError) -> ErrorDetail | None:
    """The first ErrorInfo of the rich status (google.rpc.Status) in the trailers."""
    try:
        # An AioRpcError answers code(), details() and trailing_metadata() as a grpc.Call does.
        status = rpc_status.from_call(cast(grpc.Call, error))
    except ValueError:  # a rich status that contradicts the status line: trust the line
        return None
    for any_detail in status.details if status is not None else ():
        info = error_details_pb2.ErrorInfo()
        if any_detail.Unpack(info):
            return ErrorDetail(str(info.reason), str(info.domain), dict(info.metadata))
    return None


async def invoke(rpc: UnaryCall[Request, Response], request: Request, seconds: float) -> Response:
    """Await one call with a deadline of ``seconds``; a failure becomes a :class:`CsmsError`."""
    try:
        return await rpc(request, timeout=seconds)
    except grpc.aio.AioRpcError as error:
        raise CsmsError.from_rpc_error(error) from None
