"""Page sizes an operator may pick on the console's lists (the API pages; the console asks
for one page at a time and links the next by the API's page token)."""

from __future__ import annotations

PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50


def page_size(text: str) -> int:
    """``?size=`` as one of :data:`PAGE_SIZES`; anything else is the default."""
    return int(text) if text.isdigit() and int(text) in PAGE_SIZES else DEFAULT_PAGE_SIZE
