"""What a service that calls the edge's EdgeService raises when the call fails, one error
for each status of the edge's error contract (the EdgeService comment in
``csms/edge/v1/edge.proto``)::

    servicekit.errors.ServiceError                    (INTERNAL)
     ├── StationDidNotAnswer  (DEADLINE_EXCEEDED)     the station did not answer in time
     │    └── StationWentAway (ABORTED)               it closed its connection after the CALL
     │                                                was sent, before answering
     ├── StationCannot        (UNIMPLEMENTED)         the station's OCPP version lacks the call
     ├── EdgeFailed                                   the edge answered with an unexpected error
     ├── InvalidArgument
     │    └── StationRequestInvalid                   the edge found the call invalid for the
     │                                                station's OCPP version
     ├── NotFound
     │    └── StationNotConnected                     the edge holds no session of the station
     ├── FailedPrecondition
     │    └── StationRefused                          the station answered with a CALLERROR
     └── Unavailable
          └── EdgeUnavailable                         the edge could not be reached; retry

Each keeps the status the edge gave, so the caller of a service sees what it would have
seen calling the edge. :func:`station_error` is the one place where an edge status becomes
one of these; :func:`call_error_of` reads the CALLERROR the edge attaches to a
FAILED_PRECONDITION as a ``google.rpc.ErrorInfo`` whose reason is :data:`OCPP_CALL_ERROR`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import grpc
from google.rpc import (
    error_details_pb2,
    status_pb2,
)

from servicekit.errors import (
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    ServiceError,
    Unavailable,
)

# The ErrorInfo reason the edge gives a station's CALLERROR (edge.proto); its metadata holds
# the CALLERROR's "code" and "description".
OCPP_CALL_ERROR = "OCPP_CALL_ERROR"
# The trailing metadata key under which gRPC carries the serialized google.rpc.Status.
_STATUS_DETAILS_KEY = "grpc-status-details-bin"


class StationNotConnected(NotFound):
    """The edge holds no WebSocket of the charge point: nothing was sent."""

    def __init__(self, charge_point_id: str, detail: str) -> None:
        self.charge_point_id = charge_point_id
        super().__init__(
            f"charge point {charge_point_id} is not connected ({detail}); retry once it is online"
        )


class StationDidNotAnswer(ServiceError):
    """The call was sent but the station did not answer before the deadline: whether it
    acted on it (and so what the caller may record of it) is unknown."""

    status = grpc.StatusCode.DEADLINE_EXCEEDED

    def __init__(self, charge_point_id: str, detail: str) -> None:
        self.charge_point_id = charge_point_id
        super().__init__(f"charge point {charge_point_id} did not answer in time ({detail})")


class StationWentAway(StationDidNotAnswer):
    """The CALL was sent and the station closed its connection before answering (a station
    that accepts a new password or a hard Reset does): like no answer in time, whether it
    acted on the CALL is unknown."""

    status = grpc.StatusCode.ABORTED

    def __init__(self, charge_point_id: str, detail: str) -> None:
        self.charge_point_id = charge_point_id
        ServiceError.__init__(
            self,
            f"charge point {charge_point_id} closed its connection before answering ({detail})",
        )


class StationRefused(FailedPrecondition):
    """The station answered with a CALLERROR; its code and description are kept."""

    def __init__(self, charge_point_id: str, code: str, description: str) -> None:
        self.charge_point_id = charge_point_id
        self.code = code
        self.description = description
        super().__init__(
            f"charge point {charge_point_id} answered with CALLERROR {code}: "
            f"{description or 'no description'}"
        )


class StationRequestInvalid(InvalidArgument):
    """The edge could not turn the request into a valid call in the station's OCPP version
    (e.g. an id tag longer than 1.6's 20 characters): nothing was sent."""

    def __init__(self, charge_point_id: str, detail: str) -> None:
        self.charge_point_id = charge_point_id
        super().__init__(f"the request is not valid for charge point {charge_point_id}: {detail}")


class StationCannot(ServiceError):
    """The station's OCPP version has no such operation (the edge said UNIMPLEMENTED)."""

    status = grpc.StatusCode.UNIMPLEMENTED

    def __init__(self, charge_point_id: str, detail: str) -> None:
        self.charge_point_id = charge_point_id
        super().__init__(f"charge point {charge_point_id} cannot do this: {detail}")


class EdgeUnavailable(Unavailable):
    """The edge did not answer (not reachable): nothing was sent; retry later."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"the OCPP edge is unavailable: {detail}; retry later")


class EdgeFailed(ServiceError):
    """The edge answered with an error its contract does not name: a bug or a version
    mismatch an operator must look at."""

    def __init__(self, code_name: str, detail: str) -> None:
        super().__init__(f"the OCPP edge failed ({code_name}): {detail}")


def call_error_of(error: grpc.aio.AioRpcError) -> tuple[str, str]:
    """The CALLERROR code and description the edge attached as an ErrorInfo; when it sent
    none, ``("", details)``."""
    # At run time the trailing metadata is a sequence of (key, value) pairs; the stubs
    # describe it differently.
    metadata = cast(Iterable[tuple[str, str | bytes]], cast(Any, error.trailing_metadata()) or ())
    for key, value in metadata:
        if key != _STATUS_DETAILS_KEY or not isinstance(value, bytes):
            continue
        status = status_pb2.Status.FromString(value)
        for detail in status.details:
            info = error_details_pb2.ErrorInfo()
            if detail.Unpack(info) and info.reason == OCPP_CALL_ERROR:
                return info.metadata.get("code", ""), info.metadata.get("description", "")
    return "", error.details() or ""


def station_error(charge_point_id: str, error: grpc.aio.AioRpcError) -> ServiceError:
    """The service error that passes the edge's status on."""
    code = error.code()
    detail = error.details() or "no details"
    if code is grpc.StatusCode.NOT_FOUND:
        return StationNotConnected(charge_point_id, detail)
    if code is grpc.StatusCode.DEADLINE_EXCEEDED:
        return StationDidNotAnswer(charge_point_id, detail)
    if code is grpc.StatusCode.ABORTED:
        return StationWentAway(charge_point_id, detail)
    if code is grpc.StatusCode.FAILED_PRECONDITION:
        call_code, description = call_error_of(error)
        return StationRefused(charge_point_id, call_code or "unknown", description)
    if code is grpc.StatusCode.INVALID_ARGUMENT:
        return StationRequestInvalid(charge_point_id, detail)
    if code is grpc.StatusCode.UNIMPLEMENTED:
        return StationCannot(charge_point_id, detail)
    if code is grpc.StatusCode.UNAVAILABLE:
        return EdgeUnavailable(detail)
    return EdgeFailed(code.name, detail)
