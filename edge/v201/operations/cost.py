"""Tariff and cost (OCPP 2.0.1 block I): the running total cost a station shows its driver.

I02 (show the running total cost during charging): the CSMS sends CostUpdated with the
transaction's total cost so far, including taxes; the station answers with an empty
CostUpdated.conf. Money is carried as a decimal string through the API and becomes a JSON
number only on the wire, where OCPP puts it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from csms.edge.v1 import operations_pb2
from edge.operations.dispatcher import Reply, Resolved
from edge.operations.errors import InvalidRequest
from edge.v201.operations.fields import Kwargs

# Enough for any currency's minor units and any real session's cost.
_MAX_FRACTION_DIGITS = 6
_MAX_COST = Decimal("1e9")


def total_cost(text: str) -> Decimal:
    """``text`` as a non-negative decimal amount, or an error that says what is wrong."""
    try:
        amount = Decimal(text.strip())
    except InvalidOperation:
        raise InvalidRequest(
            f'total_cost must be a decimal amount such as "12.34", got {text!r}'
        ) from None
    if not amount.is_finite() or amount < 0 or amount >= _MAX_COST:
        raise InvalidRequest(f"total_cost must be from 0 to less than 1e9, got {text!r}")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > _MAX_FRACTION_DIGITS:
        raise InvalidRequest(
            f"total_cost has more than {_MAX_FRACTION_DIGITS} decimal places: {text!r}"
        )
    return amount


def update_request(resolved: Resolved) -> Kwargs:
    """I02: the station knows the transaction by its own id (looked up by the resolve step)."""
    request: operations_pb2.UpdateCostRequest = resolved.request
    amount = total_cost(request.total_cost)
    # JSON has one number type; the float of a decimal with at most six places prints back
    # as that decimal.
    return {"total_cost": float(amount), "transaction_id": resolved.station_transaction_id}


def update_answer(_reply: Reply) -> operations_pb2.UpdateCostResponse:
    return operations_pb2.UpdateCostResponse()
