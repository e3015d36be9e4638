"""The errors auth_svc raises, each one a kind of :mod:`servicekit.errors` error so that
the gRPC interceptor maps it to a status in one place.

::

    servicekit.errors.ServiceError             (INTERNAL)
     ├── TransactionServiceFailed              transaction_svc answered with an error
     ├── EdgeFailed                            the edge answered with an unexpected error
     ├── StationDidNotAnswer (DEADLINE_EXCEEDED)  the station did not answer in time
     ├── StationCannot       (UNIMPLEMENTED)   the station's OCPP version lacks the call
     ├── InvalidArgument
     │    ├── InvalidRequest                   a request field is malformed or out of range
     │    └── StationRequestInvalid            the edge found the call invalid for the station
     ├── NotFound
     │    ├── UnknownIdTag                     no stored identifier has that value
     │    ├── UnstoredIdTag                    ... so it cannot join the local list
     │    ├── NotInLocalList                   the identifier is not a member of the list
     │    └── StationNotConnected              the edge holds no session of the station
     ├── AlreadyExists
     │    └── DuplicateIdTag                   creating an identifier that is already stored
     ├── FailedPrecondition
     │    └── StationRefused                   the station answered with a CALLERROR
     └── Unavailable
          ├── TransactionServiceUnavailable    transaction_svc did not answer in time
          └── EdgeUnavailable                  the edge could not be reached; retry

The errors about stations carry the status the edge gave (see the EdgeService comment in
``csms/edge/v1/edge.proto``), so a caller of SendLocalList sees what it would have seen
calling the edge.
"""

from __future__ import annotations

import grpc

from servicekit.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    ServiceError,
    Unavailable,
)


class InvalidRequest(InvalidArgument):
    """A request field is malformed or out of range; the message names the field."""


class UnknownIdTag(NotFound):
    def __init__(self, id_tag: str) -> None:
        super().__init__(f"id tag {id_tag} does not exist; create it with POST /api/v1/id-tags")
        self.id_tag = id_tag


class UnstoredIdTag(NotFound):
    """Only a stored identifier can join the local list: its status goes with it."""

    def __init__(self, id_tag: str) -> None:
        super().__init__(
            f"id tag {id_tag} does not exist; create the id tag first (POST /api/v1/id-tags), "
            "then add it to the local list",
        )
        self.id_tag = id_tag


class NotInLocalList(NotFound):
    def __init__(self, id_tag: str) -> None:
        super().__init__(
            f"id tag {id_tag} is not in the local list; GET /api/v1/local-list shows its members"
        )
        self.id_tag = id_tag


class DuplicateIdTag(AlreadyExists):
    def __init__(self, id_tag: str) -> None:
        super().__init__(f"id tag {id_tag} already exists; use PUT to change it")
        self.id_tag = id_tag


class TransactionServiceUnavailable(Unavailable):
    """transaction_svc could not be reached or did not answer before the deadline; an
    ACCEPTED identifier cannot be told apart from one already charging until it answers."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"transaction service unavailable: {detail}")


class TransactionServiceFailed(ServiceError):
    """transaction_svc answered the active-transaction count with an error of its own."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"transaction service failed to count active transactions: {detail}")


class StationNotConnected(NotFound):
    """The edge holds no WebSocket of the charge point: nothing was sent."""

    def __init__(self, charge_point_id: str, detail: str) -> None:
        self.charge_point_id = charge_point_id
        super().__init__(
            f"charge point {charge_point_id} is not connected ({detail}); retry once it is online"
        )


class StationDidNotAnswer(ServiceError):
    """The call was sent but the station did not answer before the deadline: whether it
    applied it is unknown, so no version is recorded for it."""

    status = grpc.StatusCode.DEADLINE_EXCEEDED

    def __init__(self, charge_point_id: str, detail: str) -> None:
        self.charge_point_id = charge_point_id
        super().__init__(f"charge point {charge_point_id} did not answer in time ({detail})")


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
