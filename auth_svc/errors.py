"""The errors auth_svc raises, each one a kind of :mod:`servicekit.errors` error so that
the gRPC interceptor maps it to a status in one place.

::

    servicekit.errors.ServiceError             (INTERNAL)
     ├── TransactionServiceFailed              transaction_svc answered with an error
     ├── InvalidArgument
     │    └── InvalidRequest                   a request field is malformed or out of range
     ├── NotFound
     │    └── UnknownIdTag                     no stored identifier has that value
     ├── AlreadyExists
     │    └── DuplicateIdTag                   creating an identifier that is already stored
     └── Unavailable
          └── TransactionServiceUnavailable    transaction_svc did not answer in time
"""

from __future__ import annotations

from servicekit.errors import AlreadyExists, InvalidArgument, NotFound, ServiceError, Unavailable


class InvalidRequest(InvalidArgument):
    """A request field is malformed or out of range; the message names the field."""


class UnknownIdTag(NotFound):
    def __init__(self, id_tag: str) -> None:
        super().__init__(f"id tag {id_tag} does not exist; create it with POST /api/v1/id-tags")
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
