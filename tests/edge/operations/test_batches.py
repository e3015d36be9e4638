"""Splitting many items into the CALLs a station takes (edge.operations.batches): pure."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from edge.operations.batches import split
from edge.operations.errors import InvalidRequest
from edge.operations.message_size import MessageLimit, frame_bytes

pytestmark = pytest.mark.unit


def _size(batch: Sequence[str]) -> int:
    return frame_bytes("GetVariables", {"getVariableData": list(batch)})


def test_ten_items_four_per_message_make_three_messages_in_order() -> None:
    items = [f"v{n}" for n in range(10)]
    limit = MessageLimit(65536, "CSMS_MAX_MESSAGE_BYTES=65536", 4, "ItemsPerMessage=4")
    batches = split(items, limit, _size, "variables")
    assert batches == [items[0:4], items[4:8], items[8:10]]


def test_bytes_limit_closes_a_batch_before_the_items_limit() -> None:
    items = ["a" * 20, "b" * 20, "c" * 20, "d" * 20]
    two = _size(items[:2])
    limit = MessageLimit(two, "BytesPerMessage", 10, "ItemsPerMessage=10")
    batches = split(items, limit, _size, "variables")
    assert batches == [items[0:2], items[2:4]]
    assert all(_size(batch) <= two for batch in batches)


def test_without_limits_everything_goes_in_one_message() -> None:
    items = ["x"] * 50
    assert split(items, MessageLimit(65536, "max"), _size, "variables") == [items]


def test_nothing_makes_no_message() -> None:
    assert split([], MessageLimit(100, "max", 1, "one"), _size, "variables") == []


def test_an_item_larger_than_a_message_alone_is_refused_naming_it() -> None:
    items = ["short", "x" * 200, "short"]
    limit = MessageLimit(_size(["x" * 100]), "DeviceDataCtrlr.BytesPerMessage[GetVariables]=150")
    with pytest.raises(InvalidRequest) as refused:
        split(items, limit, _size, "variables")
    assert "variables[1] alone would make a" in str(refused.value)
    assert "(DeviceDataCtrlr.BytesPerMessage[GetVariables]=150)" in str(refused.value)
