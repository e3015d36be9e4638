"""What can go wrong when the CSMS sends a call to a charge point, and its gRPC status.

::

    OperationError
     ├── NotConnected       NOT_FOUND            no session of that charge point on this edge
     ├── Unsupported        UNIMPLEMENTED        its OCPP version has no such operation
     ├── InvalidRequest     INVALID_ARGUMENT     the request cannot become a valid OCPP call
     ├── NoAnswer           DEADLINE_EXCEEDED    the station did not answer in time
     ├── StationCallError   FAILED_PRECONDITION  it answered with a CALLERROR; the status
     │                                           carries google.rpc.ErrorInfo(reason
     │                                           "OCPP_CALL_ERROR", metadata code, description)
     └── InvalidAnswer      INTERNAL             its answer breaks the version's schema

:func:`abort` is the one place where these become a gRPC status (the error contract in
the EdgeService comment of ``edge.proto``). Messages are for the operator who reads them
in a REST response, so each names the charge point and what to change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from servicekit.edge_errors import OCPP_CALL_ERROR

CALL_ERROR_REASON = OCPP_CALL_ERROR
CALL_ERROR_DOMAIN = "ocpp"


class OperationError(Exception):
    status: grpc.StatusCode = grpc.StatusCode.INTERNAL


class NotConnected(OperationError):
    status = grpc.StatusCode.NOT_FOUND

    def __init__(self, charge_point_id: str) -> None:
        super().__init__(
            f"charge point {charge_point_id} is not connected to the CSMS; operations reach it "
            "once it connects"
        )


class Unsupported(OperationError):
    status = grpc.StatusCode.UNIMPLEMENTED

    def __init__(self, version: str, operation: str) -> None:
        super().__init__(f"OCPP {version} has no {operation}")


class InvalidRequest(OperationError):
    status = grpc.StatusCode.INVALID_ARGUMENT


class NoAnswer(OperationError):
    status = grpc.StatusCode.DEADLINE_EXCEEDED

    def __init__(self, charge_point_id: str, action: str, seconds: float) -> None:
        super().__init__(
            f"charge point {charge_point_id} did not answer {action} within {seconds:.3g} s"
        )


class StationCallError(OperationError):
    """The station answered with a CALLERROR (OCPP-J 1.6 §4.2.3). Its code is kept as the
    station wrote it, even one the library does not know."""

    status = grpc.StatusCode.FAILED_PRECONDITION

    def __init__(
        self,
        charge_point_id: str,
        action: str,
        code: str,
        description: str,
        details: Mapping[str, Any],
    ) -> None:
        super().__init__(
            f"charge point {charge_point_id} answered {action} with {code}: {description}"
        )
        self.code = code
        self.description = description
        self.details = details


class InvalidAnswer(OperationError):
    status = grpc.StatusCode.INTERNAL

    def __init__(self, charge_point_id: str, action: str, violation: str) -> None:
        super().__init__(
            f"charge point {charge_point_id} answered {action} with a payload that is not "
            f"valid OCPP: {violation}"
        )


async def abort(context: grpc.aio.ServicerContext[Any, Any], error: OperationError) -> NoReturn:
    """End the RPC with the status ``error`` maps to."""
    message = str(error)
    if isinstance(error, StationCallError):
        info = error_details_pb2.ErrorInfo(
            reason=CALL_ERROR_REASON,
            domain=CALL_ERROR_DOMAIN,
            metadata={"code": error.code, "description": error.description},
        )
        detail = any_pb2.Any()
        detail.Pack(info)
        status = status_pb2.Status(
            code=code_pb2.FAILED_PRECONDITION, message=message, details=[detail]
        )
        # In grpc.aio since 1.31; the grpc-stubs of this environment do not list it yet.
        await context.abort_with_status(rpc_status.to_status(status))  # type: ignore[attr-defined]
    await context.abort(error.status, message)
