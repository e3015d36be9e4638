"""The transaction service's errors. Each derives from one :mod:`servicekit.errors` class,
which fixes its gRPC status::

    servicekit.errors.ServiceError                    (INTERNAL)
     ├── InvalidArgument
     │    ├── InvalidTransactionRequest               a request field is missing or out of range
     │    └── InvalidReservationRequest               a reservation field is missing or wrong
     ├── NotFound
     │    ├── TransactionNotFound                     no such transaction
     │    ├── OrphanReportNotFound                    no such orphan report
     │    └── ReservationNotFound                     no such reservation
     ├── FailedPrecondition
     │    ├── OrphanReportReconciled                  it was reconciled before
     │    ├── TransactionAlreadyCompleted             it ended before; an end is not redone
     │    ├── ReservationNotCancellable               it is not ACTIVE (any more)
     │    └── CancellationRefused                     the station answered Rejected
     ├── Unavailable
     │    ├── AuthServiceUnavailable                  auth_svc did not answer in time; retry
     │    └── TransactionConflict                     concurrent starts claimed one reservation
     └── AuthServiceFailed                            auth_svc answered with an unexpected error

The errors about stations and the edge (StationNotConnected, StationDidNotAnswer,
StationRefused, StationRequestInvalid, StationCannot, EdgeUnavailable, EdgeFailed) are
:mod:`servicekit.edge_errors`'s, shared with every service that calls the edge: they carry
the status the edge gave (see the EdgeService comment in ``csms/edge/v1/edge.proto``), so a
caller of this service sees what it would have seen calling the edge.
"""

from __future__ import annotations

from servicekit.errors import (
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    ServiceError,
    Unavailable,
)


class InvalidTransactionRequest(InvalidArgument):
    """The request itself is wrong; the message names the field."""


class TransactionNotFound(NotFound):
    """The transaction id is not one the CSMS gave out (to that charge point)."""

    def __init__(self, transaction_id: int, charge_point_id: str | None = None) -> None:
        self.transaction_id = transaction_id
        self.charge_point_id = charge_point_id
        if charge_point_id is None:
            message = (
                f"transaction {transaction_id} is not known; "
                "list transactions to find the id you meant"
            )
        else:
            message = (
                f"transaction {transaction_id} of charge point {charge_point_id} is not known; "
                "the station must use the transactionId of its StartTransaction answer"
            )
        super().__init__(message)


class AuthServiceUnavailable(Unavailable):
    """auth_svc did not answer (unreachable or past the deadline). Nothing was decided; the
    caller (the station, through the edge) retries.

    The status carries a reason, so the edge passes this message to the station instead of
    saying that the transaction service, which is up, is unavailable. ``detail`` is the
    gRPC code only: the message reaches stations, and auth_svc's address stays in the log.
    """

    reason = "AUTH_SERVICE_UNAVAILABLE"

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"auth service unavailable: {detail}; the identifier could not be authorized, "
            "retry later"
        )


class TransactionConflict(Unavailable):
    """Concurrent starts on one charge point kept claiming the same reservation; nothing was
    stored, and the station's retry is decided afresh."""

    def __init__(self, charge_point_id: str) -> None:
        super().__init__(
            f"concurrent transactions of charge point {charge_point_id} claimed the same "
            "reservation; nothing was stored, retry"
        )


class AuthServiceFailed(ServiceError):
    """auth_svc answered with an error it should never give to this service: a bug or a
    version mismatch between the two, which an operator must look at."""

    def __init__(self, code_name: str, detail: str) -> None:
        super().__init__(f"auth service failed to authorize ({code_name}): {detail}")


class InvalidReservationRequest(InvalidArgument):
    """A ReserveNow request is wrong; the message names the field."""


class OrphanReportNotFound(NotFound):
    def __init__(self, orphan_id: int) -> None:
        self.orphan_id = orphan_id
        super().__init__(
            f"orphan report {orphan_id} is not known; list orphan reports to find the id you meant"
        )


class OrphanReportReconciled(FailedPrecondition):
    """An orphan report is reconciled once; the first reconciliation stays."""

    def __init__(self, orphan_id: int) -> None:
        self.orphan_id = orphan_id
        super().__init__(
            f"orphan report {orphan_id} is already reconciled; its reconciliation stays as given"
        )


class TransactionAlreadyCompleted(FailedPrecondition):
    """A transaction the station (or an earlier closure for another reason) completed is
    not ended again: its end stays as recorded."""

    def __init__(self, transaction_id: int, how: str) -> None:
        self.transaction_id = transaction_id
        super().__init__(
            f"transaction {transaction_id} is already completed ({how}); nothing to end"
        )


class ReservationNotFound(NotFound):
    def __init__(self, reservation_id: int) -> None:
        self.reservation_id = reservation_id
        super().__init__(
            f"reservation {reservation_id} is not known; list reservations to find the id you meant"
        )


class ReservationNotCancellable(FailedPrecondition):
    """Only an ACTIVE reservation is held by a station, so only that one can be cancelled."""

    def __init__(self, reservation_id: int, status_name: str) -> None:
        self.reservation_id = reservation_id
        super().__init__(
            f"reservation {reservation_id} is {status_name}; only an ACTIVE reservation "
            "can be cancelled"
        )


class CancellationRefused(FailedPrecondition):
    """The station answered CancelReservation.conf Rejected (OCPP 1.6 §6.7): it holds no
    such reservation. The CSMS keeps the reservation as it was."""

    def __init__(self, reservation_id: int, charge_point_id: str) -> None:
        self.reservation_id = reservation_id
        super().__init__(
            f"the station refused to cancel reservation {reservation_id} "
            f"(charge point {charge_point_id}); it may no longer hold it"
        )
