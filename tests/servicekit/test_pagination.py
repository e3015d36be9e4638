from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit.errors import InvalidArgument
from servicekit.pagination import MAX_PAGE_SIZE, PageRequest, filter_scope, next_page_token

pytestmark = pytest.mark.unit


def test_first_page_has_the_default_size() -> None:
    assert PageRequest.parse(0, "") == PageRequest(100, None)


def test_sizes_are_capped() -> None:
    assert PageRequest.parse(10**6, "").size == MAX_PAGE_SIZE


def test_negative_sizes_are_refused() -> None:
    with pytest.raises(InvalidArgument, match="page_size must not be negative"):
        PageRequest.parse(-1, "")


@pytest.mark.parametrize("token", ["%%%", "abc", "not a token", "ü"])
def test_tokens_not_given_out_are_refused(token: str) -> None:
    with pytest.raises(InvalidArgument, match="pass next_page_token unchanged"):
        PageRequest.parse(10, token)


@given(st.text(min_size=1))
def test_tokens_round_trip(key: str) -> None:
    assert PageRequest.parse(5, next_page_token(key)).after == key


def test_no_next_page_is_an_empty_token() -> None:
    assert next_page_token(None) == ""


@given(st.text(min_size=1), st.text(alphabet="0123456789abcdef", min_size=16, max_size=16))
def test_scoped_tokens_round_trip_with_their_scope_only(key: str, scope: str) -> None:
    token = next_page_token(key, scope)
    assert PageRequest.parse(5, token, scope).after == key
    with pytest.raises(InvalidArgument, match="given out for other filters"):
        PageRequest.parse(5, token)
    with pytest.raises(InvalidArgument, match="given out for other filters"):
        PageRequest.parse(5, next_page_token(key), scope)


def test_no_filters_have_no_scope() -> None:
    assert filter_scope("", None, 0) == ""
    assert filter_scope("a", None) != filter_scope("b", None)
