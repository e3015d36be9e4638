"""The errors of the charge point service, each one a :mod:`servicekit.errors` class.

::

    servicekit.errors.ServiceError
     ├── InvalidArgument
     │    ├── InvalidChargePointId      the identity is empty, too long or has other characters
     │    ├── InvalidReport             a station event or request field is out of range
     │    └── InvalidFilter             a listing's filter has a value it cannot have
     ├── NotFound
     │    ├── ChargePointNotFound       no charge point has that id
     │    │    └── ChargePointNotRegistered   an event from an unknown one under strict admission
     │    ├── StationRequestNotFound    no log or customer information request has that id
     │    └── LibraryProfileNotFound    no library charging profile has that name
     ├── AlreadyExists
     │    ├── ChargePointAlreadyExists  CreateChargePoint for an id that is taken
     │    └── LibraryProfileExists      a library charging profile of that name exists
     └── Unavailable
          └── ConcurrentChange          the row changed under us; the caller may retry

The gRPC interceptor in :mod:`servicekit.grpc_server` turns them into status codes; the
messages go verbatim to REST clients and into OCPP CALLERRORs, so they say what to do.
"""

from __future__ import annotations

from servicekit import errors


class InvalidChargePointId(errors.InvalidArgument):
    """The charge point identity breaks OCPP's identifierString rules."""


class InvalidReport(errors.InvalidArgument):
    """A field of a request or station event is missing or out of range."""


class InvalidFilter(errors.InvalidArgument):
    """A filter of ListChargePoints has a value no charge point can have; the message
    names the field."""


class ChargePointNotFound(errors.NotFound):
    def __init__(self, charge_point_id: str, message: str | None = None) -> None:
        super().__init__(
            message
            or f"charge point {charge_point_id!r} does not exist; "
            "GET /charge-points lists the registered ones"
        )
        self.charge_point_id = charge_point_id


class ChargePointNotRegistered(ChargePointNotFound):
    """An event from a charge point the strict admission policy does not know."""

    def __init__(self, charge_point_id: str) -> None:
        super().__init__(
            charge_point_id,
            f"charge point {charge_point_id} is not registered; "
            "register it with POST /charge-points",
        )


class ChargePointAlreadyExists(errors.AlreadyExists):
    def __init__(self, charge_point_id: str) -> None:
        super().__init__(
            f"charge point {charge_point_id!r} already exists; "
            f"GET /charge-points/{charge_point_id} shows it"
        )
        self.charge_point_id = charge_point_id


class ConcurrentChange(errors.Unavailable):
    """Another call changed the same charge point in a way this one cannot build on."""


class StationRequestNotFound(errors.NotFound):
    """No request of that kind and requestId was sent to the charge point."""

    def __init__(self, charge_point_id: str, kind: str, request_id: int) -> None:
        path = {
            "LOG": "log-requests",
            "CUSTOMER_INFORMATION": "customer-information",
        }.get(kind, kind.lower())
        super().__init__(
            f"charge point {charge_point_id} has no {path} request {request_id}; "
            f"GET /api/v1/charge-points/{charge_point_id}/{path} lists them"
            if kind == "LOG"
            else f"charge point {charge_point_id} has no {path} request {request_id}"
        )


class LibraryProfileNotFound(errors.NotFound):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"no charging profile named {name!r} in the library; "
            "GET /api/v1/charging-profiles lists them"
        )


class LibraryProfileExists(errors.AlreadyExists):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"a charging profile named {name!r} is in the library already; delete it "
            "(DELETE /api/v1/charging-profiles/{name}) or choose another name"
        )
