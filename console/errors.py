"""The console's errors: one, the API's answer when it is not a success.

Every failure of a call to the REST API (an HTTP error, the gateway not answering, an answer
that is not JSON) becomes an :class:`ApiError` in :mod:`console.api`, once, and every page
shows it the same way (``templates/_error.html``): the status and the API's own message,
which says what was wrong in words an operator can act on.
"""

from __future__ import annotations


class ApiError(Exception):
    """The API refused or failed a call: its HTTP status and its message."""

    def __init__(self, status: int, message: str, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code

    @property
    def unauthenticated(self) -> bool:
        return self.status == 401

    @property
    def forbidden(self) -> bool:
        return self.status == 403
