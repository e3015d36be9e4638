"""Operations whose items the edge splits into as many CALLs as the station takes, and the
split itself (OCPP 2.0.1 B05/B06: a station says how many SetVariables / GetVariables
items, and how many bytes, one message may carry, in DeviceDataCtrlr.ItemsPerMessage and
BytesPerMessage). Pure: the dispatcher reads the limits and sends the batches.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from google.protobuf.message import Message

from edge.operations.errors import InvalidRequest
from edge.operations.message_size import MessageLimit
from edge.operations.translators import Operation

Item = TypeVar("Item")


@dataclass(frozen=True)
class BatchedOperation(Operation):
    """An operation of many items sent in several CALLs of ``action``.

    ``items(request, known)`` checks the protobuf request and gives its items in request
    order (``known``: the variables of the station's device model when it is complete,
    else None); ``request(batch)`` builds one CALL payload of a batch; ``answer`` receives
    every ``(batch, result payload)`` pair in order and gives the protobuf response;
    ``record(response)`` says what of it to store in the station's device model
    (chargepoint_svc ReportedVariable messages). All pure.
    """

    items: Callable[[Any, Sequence[Any] | None], list[Any]]
    record: Callable[[Message], list[Any]]


def split(
    items: Sequence[Item],
    limit: MessageLimit,
    size: Callable[[Sequence[Item]], int],
    field: str,
) -> list[list[Item]]:
    """``items`` in order, in as few consecutive batches as fit ``limit``: at most
    ``limit.max_items`` each, and a CALL frame of at most ``limit.max_bytes`` (``size``
    measures the frame of a batch). An item too large to be sent even alone is refused
    with INVALID_ARGUMENT naming it (``field[index]``) and the limit."""
    batches: list[list[Item]] = []
    current: list[Item] = []
    for index, item in enumerate(items):
        candidate = [*current, item]
        too_many = limit.max_items is not None and len(candidate) > limit.max_items
        if current and (too_many or size(candidate) > limit.max_bytes):
            batches.append(current)
            candidate = [item]
        alone = size(candidate)
        if len(candidate) == 1 and alone > limit.max_bytes:
            raise InvalidRequest(
                f"{field}[{index}] alone would make a {alone}-byte message; at most "
                f"{limit.max_bytes} bytes may be sent ({limit.bytes_source}): shorten it"
            )
        current = candidate
    if current:
        batches.append(current)
    return batches
