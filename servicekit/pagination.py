"""Keyset pagination: a page size and an opaque token that names where the last page ended.

A listing with filters gives out tokens *scoped* to them (:func:`filter_scope`): the token
carries a digest of the filters, and a token used with other filters is refused instead of
silently continuing another listing from the wrong place.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from servicekit.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
# Between the filter scope and the key in a scoped token: never in base64url, so an
# unscoped token (the key in base64url, as always) cannot be taken for a scoped one.
_SCOPE_SEPARATOR = "."


@dataclass(frozen=True)
class PageRequest:
    size: int
    after: str | None

    @classmethod
    def parse(cls, page_size: int, page_token: str, scope: str = "") -> PageRequest:
        """``scope``: the :func:`filter_scope` of the request's filters, "" for none."""
        if page_size < 0:
            raise InvalidArgument(f"page_size must not be negative, got {page_size}")
        size = min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        if not page_token:
            return cls(size, None)
        given_scope, _, encoded = page_token.rpartition(_SCOPE_SEPARATOR)
        try:
            # validate=True: the lenient decoder would skip junk and accept any string.
            after = base64.b64decode(encoded.encode("ascii"), altchars=b"-_", validate=True).decode(
                "utf-8"
            )
        except (binascii.Error, UnicodeError, ValueError):
            raise InvalidArgument(
                "page_token is not a token this API gave out; pass next_page_token unchanged"
            ) from None
        if given_scope != scope:
            raise InvalidArgument(
                "page_token was given out for other filters: pass the same filters as for "
                "the first page, or leave page_token out to start again"
            )
        return cls(size, after)


def filter_scope(*filters: object) -> str:
    """A short digest of a listing's filters for its page tokens; "" when every filter is
    empty, so that an unfiltered listing's tokens are those it always gave out."""
    if not any(filters):
        return ""
    return hashlib.sha256(repr(filters).encode("utf-8")).hexdigest()[:16]


def next_page_token(last_key: str | None, scope: str = "") -> str:
    """The token for the page after ``last_key``; empty when there is no next page."""
    if last_key is None:
        return ""
    token = base64.urlsafe_b64encode(last_key.encode("utf-8")).decode("ascii")
    return scope + _SCOPE_SEPARATOR + token if scope else token
