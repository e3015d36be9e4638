"""What can go wrong when the CSMS sends a call to a charge point, and its gRPC status.

::

    OperationError
     ├── NotConnected       NOT_FOUND            no session of that charge point on this edge
     │    └── DisconnectedBeforeSending          it disconnected while the CALL waited its
     │                                           turn: nothing was sent
     ├── Unsupported        UNIMPLEMENTED        its OCPP version has no such operation
     ├── InvalidRequest     INVALID_ARGUMENT     the request cannot become a valid OCPP call
     ├── NoAnswer           DEADLINE_EXCEEDED    the CALL was sent, the station did not answer
     │                                           in time
     ├── NotSent            DEADLINE_EXCEEDED    the deadline passed while the CALL waited
     │                                           behind an earlier one: nothing was sent
     ├── ConnectionLost     ABORTED              the CALL was sent, and the station closed its
     │                                           connection before answering
     ├── StationCallError   FAILED_PRECONDITION  it answered with a CALLERROR; the status
     │                                           carries google.rpc.ErrorInfo(reason
     │                                           "OCPP_CALL_ERROR", metadata code, description)
     └── InvalidAnswer      INTERNAL             its answer breaks the version's schema, or
                                                 cannot be this CALL's answer

The failures of a CALL without an answer carry an ErrorInfo too (domain "ocpp"), whose
metadata "sent" ("true" or "false") says whether the station received the CALL, so a client
knows whether retrying could make the station act twice: reason "OCPP_CALL_UNANSWERED"
(NoAnswer, metadata "sentAt"), "OCPP_CALL_NOT_SENT" (NotSent, DisconnectedBeforeSending),
"OCPP_CONNECTION_CLOSED" (ConnectionLost, metadata "sentAt").

A closed connection after the CALL was sent is ABORTED (HTTP 409), not UNAVAILABLE: gRPC
clients and proxies retry UNAVAILABLE by themselves, and retrying a Reset or a RemoteStart
the station may have acted on is for the operator to decide, after looking at the station.

:func:`abort` is the one place where these become a gRPC status (the error contract in
the EdgeService comment of ``edge.proto``). Messages are for the operator who reads them
in a REST response, so each names the charge point and what to change.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, NoReturn

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from servicekit.edge_errors import OCPP_CALL_ERROR

CALL_ERROR_REASON = OCPP_CALL_ERROR
CALL_ERROR_DOMAIN = "ocpp"
UNANSWERED_REASON = "OCPP_CALL_UNANSWERED"
NOT_SENT_REASON = "OCPP_CALL_NOT_SENT"
CONNECTION_CLOSED_REASON = "OCPP_CONNECTION_CLOSED"


def iso_time(moment: datetime) -> str:
    """A UTC time as RFC 3339 with milliseconds ("2026-12-07T16:00:00.123Z")."""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sent_words(sent_at: datetime | None) -> str:
    """How an outstanding CALL is described: when it was sent, or that it is being sent."""
    if sent_at is None:
        return "(being sent)"
    return f"(sent at {iso_time(sent_at)}, not yet answered)"


class OperationError(Exception):
    status: grpc.StatusCode = grpc.StatusCode.INTERNAL

    def error_info(self) -> error_details_pb2.ErrorInfo | None:
        """The machine-readable detail the status carries, if any."""
        return None


class NotConnected(OperationError):
    status = grpc.StatusCode.NOT_FOUND

    def __init__(self, charge_point_id: str) -> None:
        super().__init__(
            f"charge point {charge_point_id} is not connected to the CSMS; operations reach it "
            "once it connects"
        )


class DisconnectedBeforeSending(NotConnected):
    """The connection closed while the CALL waited for an earlier one: never sent."""

    def __init__(self, charge_point_id: str, action: str, behind: str) -> None:
        OperationError.__init__(
            self,
            f"{action} was not sent: charge point {charge_point_id} disconnected while it "
            f"waited{' behind ' + behind if behind else ' for its turn'}; nothing reached the "
            "station, so it is safe to retry once the station is connected",
        )
        self.action = action

    def error_info(self) -> error_details_pb2.ErrorInfo | None:
        return _info(NOT_SENT_REASON, self.action, None)


class Unsupported(OperationError):
    status = grpc.StatusCode.UNIMPLEMENTED

    def __init__(self, version: str, operation: str) -> None:
        super().__init__(f"OCPP {version} has no {operation}")


class InvalidRequest(OperationError):
    status = grpc.StatusCode.INVALID_ARGUMENT


class NoAnswer(OperationError):
    """The CALL was sent and its deadline passed without an answer: the station may have
    acted on it."""

    status = grpc.StatusCode.DEADLINE_EXCEEDED

    def __init__(
        self, charge_point_id: str, action: str, seconds: float, sent_at: datetime
    ) -> None:
        super().__init__(
            f"charge point {charge_point_id} did not answer {action} within {seconds:.3g} s; "
            f"it was sent at {iso_time(sent_at)}, so the station may have acted on it: check "
            "before retrying"
        )
        self.action = action
        self.sent_at = sent_at

    def error_info(self) -> error_details_pb2.ErrorInfo | None:
        return _info(UNANSWERED_REASON, self.action, self.sent_at)


class NotSent(OperationError):
    """The deadline passed while the CALL waited behind earlier ones (OCPP-J 1.6 §4.1.1: one
    outstanding CALL at a time): it was never sent."""

    status = grpc.StatusCode.DEADLINE_EXCEEDED

    def __init__(self, charge_point_id: str, action: str, why: str) -> None:
        super().__init__(
            f"{action} was not sent to charge point {charge_point_id}: {why}; nothing reached "
            "the station, so it is safe to retry"
        )
        self.action = action

    def error_info(self) -> error_details_pb2.ErrorInfo | None:
        return _info(NOT_SENT_REASON, self.action, None)


class ConnectionLost(OperationError):
    """The CALL was sent (or was being sent) and the station closed its connection before
    answering: normal for a hard Reset, which reboots it. It may have acted on the CALL."""

    status = grpc.StatusCode.ABORTED

    def __init__(self, charge_point_id: str, action: str, sent_at: datetime | None) -> None:
        when = (
            f"after {action} was sent at {iso_time(sent_at)}"
            if sent_at is not None
            else f"while {action} was being sent"
        )
        super().__init__(
            f"charge point {charge_point_id} closed its connection {when} and before "
            "answering it; the station may have acted on it (a Reset reboots it): check "
            "before retrying"
        )
        self.action = action
        self.sent_at = sent_at

    def error_info(self) -> error_details_pb2.ErrorInfo | None:
        return _info(CONNECTION_CLOSED_REASON, self.action, self.sent_at)


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

    def error_info(self) -> error_details_pb2.ErrorInfo | None:
        return error_details_pb2.ErrorInfo(
            reason=CALL_ERROR_REASON,
            domain=CALL_ERROR_DOMAIN,
            metadata={"code": self.code, "description": self.description},
        )


class InvalidAnswer(OperationError):
    status = grpc.StatusCode.INTERNAL

    def __init__(self, charge_point_id: str, action: str, violation: str) -> None:
        super().__init__(
            f"charge point {charge_point_id} answered {action} with a payload that is not "
            f"valid OCPP: {violation}"
        )


def _info(reason: str, action: str, sent_at: datetime | None) -> error_details_pb2.ErrorInfo:
    metadata = {"action": action, "sent": "false" if sent_at is None else "true"}
    if sent_at is not None:
        metadata["sentAt"] = iso_time(sent_at)
    return error_details_pb2.ErrorInfo(reason=reason, domain=CALL_ERROR_DOMAIN, metadata=metadata)


async def abort(context: grpc.aio.ServicerContext[Any, Any], error: OperationError) -> NoReturn:
    """End the RPC with the status ``error`` maps to, and its ErrorInfo when it has one."""
    message = str(error)
    info = error.error_info()
    if info is not None:
        detail = any_pb2.Any()
        detail.Pack(info)
        status = status_pb2.Status(code=error.status.value[0], message=message, details=[detail])
        # In grpc.aio since 1.31; the grpc-stubs of this environment do not list it yet.
        await context.abort_with_status(rpc_status.to_status(status))  # type: ignore[attr-defined]
    await context.abort(error.status, message)
