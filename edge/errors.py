"""gRPC status from a service, mapped once to the OCPP error the station receives.

::

    grpc.aio.AioRpcError                           OCPPError sent as CALLERROR
     ├── UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL,
     │   UNKNOWN, RESOURCE_EXHAUSTED, ABORTED,
     │   CANCELLED, UNIMPLEMENTED, DATA_LOSS  ──>  InternalError ("... retry later")
     ├── INVALID_ARGUMENT, NOT_FOUND,
     │   FAILED_PRECONDITION, ALREADY_EXISTS,
     │   OUT_OF_RANGE                          ──>  PropertyConstraintViolation (service's message)
     └── PERMISSION_DENIED, UNAUTHENTICATED    ──>  SecurityError (service's message)

A station that receives an InternalError retries the message later (OCPP 1.6 §4.7 for
transaction messages; any message for a well-behaved station), which is what an outage
of a service needs. A refusal the service explained is the station's (or its operator's)
to fix, so it carries the service's own words. So does an UNAVAILABLE the service itself
gave with a reason (its database is down, say: ``servicekit.errors.reason_of``); one that
gRPC made up because the service could not be reached says only that, without the
internal addresses gRPC names.
"""

from __future__ import annotations

import logging
from typing import TypeVar

import grpc
from ocpp.exceptions import (
    InternalError,
    OCPPError,
    PropertyConstraintViolationError,
    SecurityError,
)

from servicekit import log_context
from servicekit.errors import reason_of

LOG = logging.getLogger(__name__)

Request = TypeVar("Request")
Response = TypeVar("Response")

_REJECTED = frozenset(
    {
        grpc.StatusCode.INVALID_ARGUMENT,
        grpc.StatusCode.NOT_FOUND,
        grpc.StatusCode.FAILED_PRECONDITION,
        grpc.StatusCode.ALREADY_EXISTS,
        grpc.StatusCode.OUT_OF_RANGE,
    }
)
_DENIED = frozenset({grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAUTHENTICATED})


def ocpp_error(
    service: str, status: grpc.StatusCode, message: str, *, explained: bool = False
) -> OCPPError:
    """The OCPP error for a failed call to ``service`` (e.g. "chargepoint"); ``explained``:
    the service gave the status a reason, so ``message`` is its own."""
    if status in _REJECTED:
        return PropertyConstraintViolationError(
            description=message or f"the {service} service refused the request ({status.name})"
        )
    if status in _DENIED:
        return SecurityError(
            description=message or f"the {service} service denied the request ({status.name})"
        )
    if explained and status is grpc.StatusCode.UNAVAILABLE and message:
        return InternalError(description=message)
    return InternalError(description=f"the {service} service is unavailable; retry later")


async def invoke(
    service: str,
    method: grpc.aio.UnaryUnaryMultiCallable[Request, Response],
    request: Request,
    deadline: float,
) -> Response:
    """Call one service method with a deadline, raising the mapped :class:`OCPPError`.

    The deadline bounds every call, so a dead service yields an InternalError CALLERROR
    within ``deadline`` seconds and never leaves the station waiting. The log context
    (station, message id, action) goes along, so the service's log lines name them too.
    """
    try:
        return await method(request, timeout=deadline, metadata=log_context.metadata())
    except grpc.aio.AioRpcError as error:
        status = error.code()
        details = error.details() or ""
        LOG.warning("call to the %s service failed: %s %s", service, status.name, details)
        explained = reason_of(error) is not None
        raise ocpp_error(service, status, details, explained=explained) from error
