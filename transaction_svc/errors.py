"""The transaction service's errors. Each derives from one :mod:`servicekit.errors` class,
which fixes its gRPC status::

    servicekit.errors.ServiceError                    (INTERNAL)
     ├── InvalidArgument
     │    └── InvalidTransactionRequest               a request field is missing or out of range
     ├── NotFound
     │    └── TransactionNotFound                     no such transaction (of that charge point)
     ├── Unavailable
     │    └── AuthServiceUnavailable                  auth_svc did not answer in time; retry
     └── AuthServiceFailed                            auth_svc answered with an unexpected error
"""

from __future__ import annotations

from servicekit.errors import InvalidArgument, NotFound, ServiceError, Unavailable


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
    caller (the station, through the edge) retries."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"auth service unavailable: {detail}; retry later")


class AuthServiceFailed(ServiceError):
    """auth_svc answered with an error it should never give to this service: a bug or a
    version mismatch between the two, which an operator must look at."""

    def __init__(self, code_name: str, detail: str) -> None:
        super().__init__(f"auth service failed to authorize ({code_name}): {detail}")
