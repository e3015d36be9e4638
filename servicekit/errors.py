"""The error hierarchy every service's own errors derive from, and its gRPC status.

::

    ServiceError                 (INTERNAL)
     ├── InvalidArgument         (INVALID_ARGUMENT)  the request itself is wrong
     ├── NotFound                (NOT_FOUND)         it names something that does not exist
     ├── AlreadyExists           (ALREADY_EXISTS)    it would create a duplicate
     ├── FailedPrecondition      (FAILED_PRECONDITION) the state forbids it now
     └── Unavailable             (UNAVAILABLE)       a dependency did not answer; retry later
          └── DatabaseUnavailable                    the service's own database did not

A service raises these from its domain and use cases; :mod:`servicekit.grpc_server` maps
them to a status in exactly one place. Messages are written for the person who reads
them in a REST response or an OCPP CALLERROR.

An error whose class names a :attr:`ServiceError.reason` also carries it in the status as
a ``google.rpc.ErrorInfo`` of domain :data:`ERROR_DOMAIN` (the gRPC rich error model), so
a caller can tell the service's own verdict from a status gRPC made up because the
service could not be reached (:func:`reason_of`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, cast

import grpc
from google.rpc import error_details_pb2, status_pb2

# The ErrorInfo domain of the reasons CSMS components give.
ERROR_DOMAIN = "csms"
# The trailing metadata key under which gRPC carries the serialized google.rpc.Status.
STATUS_DETAILS_KEY = "grpc-status-details-bin"


class ServiceError(Exception):
    status: grpc.StatusCode = grpc.StatusCode.INTERNAL
    # The ErrorInfo reason (UPPER_SNAKE_CASE) the status carries; None: no ErrorInfo.
    reason: ClassVar[str | None] = None


class InvalidArgument(ServiceError):
    status = grpc.StatusCode.INVALID_ARGUMENT


class NotFound(ServiceError):
    status = grpc.StatusCode.NOT_FOUND


class AlreadyExists(ServiceError):
    status = grpc.StatusCode.ALREADY_EXISTS


class FailedPrecondition(ServiceError):
    status = grpc.StatusCode.FAILED_PRECONDITION


class Unavailable(ServiceError):
    status = grpc.StatusCode.UNAVAILABLE


class DatabaseUnavailable(Unavailable):
    """The service's database refused the connection, lost it, or did not answer in time
    (see :func:`servicekit.database.outage`). The call's database transaction was not
    committed, unless the connection was lost during the commit itself: the caller retries
    the same request, and the service must know a retry of a write stored after all (the
    transaction service's use cases do)."""

    reason = "DATABASE_UNAVAILABLE"

    def __init__(self, component: str, cause: str) -> None:
        self.component = component
        self.cause = cause
        super().__init__(f"{component} database unavailable: {cause}; retry later")


def reason_of(error: grpc.aio.AioRpcError) -> str | None:
    """The reason a CSMS component gave its status as an ErrorInfo, if it gave one."""
    # At run time the trailing metadata is a sequence of (key, value) pairs; the stubs
    # describe it differently.
    metadata = cast(Iterable[tuple[str, str | bytes]], cast(Any, error.trailing_metadata()) or ())
    for key, value in metadata:
        if key != STATUS_DETAILS_KEY or not isinstance(value, bytes):
            continue
        for detail in status_pb2.Status.FromString(value).details:
            info = error_details_pb2.ErrorInfo()
            if detail.Unpack(info) and info.domain == ERROR_DOMAIN:
                return str(info.reason)
    return None
