"""Answers to the CSMS-initiated calls of OCPP 2.x block I (tariff and cost)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from simulator.station import on
from simulator.v2.station import StationV2


class TariffHandlers(StationV2):
    @on("CostUpdated")
    def on_cost_updated(self, **payload: Any) -> Any:
        """I02: the station shows the driver the running total cost of a transaction it
        runs. CostUpdated.conf has no status, so a cost for a transaction the station does
        not know is answered all the same, and only shown as ignored."""
        transaction = self.state.transaction(payload["transaction_id"])
        shown = "ignored: no such transaction"
        if transaction is not None:
            transaction.total_cost = Decimal(str(payload["total_cost"]))
            shown = f"shown: {transaction.total_cost}"
        return self.heard("CostUpdated", payload, self.results.CostUpdated(), shown)
