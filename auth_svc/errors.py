"""The errors auth_svc raises, each one a kind of :mod:`servicekit.errors` error so that
the gRPC interceptor maps it to a status in one place.

::

    servicekit.errors.ServiceError             (INTERNAL)
     ├── TransactionServiceFailed              transaction_svc answered with an error
     ├── InvalidArgument
     │    └── InvalidRequest                   a request field is malformed or out of range
     ├── NotFound
     │    ├── UnknownIdTag                     no stored identifier has that value
     │    ├── UnstoredIdTag                    ... so it cannot join the local list
     │    └── NotInLocalList                   the identifier is not a member of the list
     ├── AlreadyExists
     │    └── DuplicateIdTag                   creating an identifier that is already stored
     ├── FailedPrecondition
     │    ├── PasswordNotAccepted              the station answered the new password with
     │    │                                    other than Accepted
     │    └── NoListBase                       a differential list update without a version
     │                                         the station is on record to have accepted
     └── Unavailable
          └── TransactionServiceUnavailable    transaction_svc did not answer in time

The errors about stations and the edge (StationNotConnected, StationDidNotAnswer,
StationRefused, StationRequestInvalid, StationCannot, EdgeUnavailable, EdgeFailed) are
:mod:`servicekit.edge_errors`'s, shared with every service that calls the edge: they carry
the status the edge gave (see the EdgeService comment in ``csms/edge/v1/edge.proto``), so a
caller of SendLocalList sees what it would have seen calling the edge. One that did not
answer in time may or may not have applied the list, so no version is recorded for it.
"""

from __future__ import annotations

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


class PasswordNotAccepted(FailedPrecondition):
    """The station answered ChangeConfiguration / SetVariables of its Basic auth password
    with Rejected or NotSupported: it keeps its old password, and so does the CSMS."""

    def __init__(self, charge_point_id: str, status: str) -> None:
        super().__init__(
            f"charge point {charge_point_id} answered {status} to the new password; it keeps "
            "its current password (check that it supports security profile 1 or 2)"
        )
        self.charge_point_id = charge_point_id


class NoListBase(FailedPrecondition):
    """A DIFFERENTIAL local list update for a station with no accepted version on record
    (or one newer than the CSMS's list): there is nothing to take the difference from, and
    a FULL update instead would replace (possibly wipe) the station's list unasked."""

    def __init__(self, charge_point_id: str, accepted_version: int | None, version: int) -> None:
        known = (
            "no version of the local list is on record as accepted by it"
            if accepted_version is None
            else f"it is on record with version {accepted_version}, newer than the CSMS's "
            f"list (version {version})"
        )
        super().__init__(
            f"cannot send a DIFFERENTIAL local list update to charge point {charge_point_id}: "
            f"{known}; send a FULL update first (updateType FULL replaces the station's list "
            "with the CSMS's)"
        )
        self.charge_point_id = charge_point_id


class TransactionServiceUnavailable(Unavailable):
    """transaction_svc could not be reached or did not answer before the deadline; an
    ACCEPTED identifier cannot be told apart from one already charging until it answers."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"transaction service unavailable: {detail}")


class TransactionServiceFailed(ServiceError):
    """transaction_svc answered the active-transaction count with an error of its own."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"transaction service failed to count active transactions: {detail}")
