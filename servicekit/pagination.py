"""Keyset pagination: a page size and an opaque token that names where the last page ended."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from servicekit.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True)
class PageRequest:
    size: int
    after: str | None

    @classmethod
    def parse(cls, page_size: int, page_token: str) -> PageRequest:
        if page_size < 0:
            raise InvalidArgument(f"page_size must not be negative, got {page_size}")
        size = min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        if not page_token:
            return cls(size, None)
        try:
            # validate=True: the lenient decoder would skip junk and accept any string.
            after = base64.b64decode(
                page_token.encode("ascii"), altchars=b"-_", validate=True
            ).decode("utf-8")
        except (binascii.Error, UnicodeError, ValueError):
            raise InvalidArgument(
                "page_token is not a token this API gave out; pass next_page_token unchanged"
            ) from None
        return cls(size, after)


def next_page_token(last_key: str | None) -> str:
    """The token for the page after ``last_key``; empty when there is no next page."""
    if last_key is None:
        return ""
    return base64.urlsafe_b64encode(last_key.encode("utf-8")).decode("ascii")
