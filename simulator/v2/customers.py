"""Customer information of the simulated OCPP 2.x station (N09-N10): what it holds about
one id token (its authorization cache and local list entries, its running transactions),
reported in two NotifyCustomerInformation parts, and its cache entry cleared on request."""

from __future__ import annotations

from typing import Any

from simulator.station import on
from simulator.uplink import now
from simulator.v2.station import StationV2


class CustomerHandlers(StationV2):
    @on("CustomerInformation")
    def on_customer_information(self, **payload: Any) -> Any:
        """N09/N10: Accepted, then the report (when asked) and the clearing (when asked);
        Invalid unless exactly one of customerIdentifier, idToken and customerCertificate
        names the customer."""
        named = [
            payload.get(name)
            for name in ("customer_identifier", "id_token", "customer_certificate")
            if payload.get(name) is not None
        ]
        status = "Accepted" if len(named) == 1 else "Invalid"
        if status == "Accepted":
            token = (payload.get("id_token") or {}).get("id_token")
            # The report says what the station held when asked; the clearing (N10) then
            # forgets it at once, so a later request already finds nothing.
            parts = self._about(token, payload) if payload["report"] else []
            if payload["clear"] and token is not None:
                self.state.cache.entries.pop(token, None)
            if parts:
                self.after_answer(
                    "customer information", self._customer_report(payload["request_id"], parts)
                )
        answer = self.results.CustomerInformation(status=status)
        return self.heard("CustomerInformation", payload, answer, status)

    def _about(self, token: str | None, payload: dict[str, Any]) -> list[str]:
        """Two parts: the token's authorization data, then its transactions."""
        if token is None:
            who = payload.get("customer_identifier") or "the certificate's customer"
            return [f"customer {who}: no authorization data", "transactions: none"]
        cached = self.state.cache.status(token)
        listed = self.state.local_list.entries.get(token)
        running = [
            f"{transaction.id} on EVSE {transaction.evse_id}"
            for transaction in self.state.transactions.values()
            if transaction.id_token == token
        ]
        return [
            f"idToken {token}: authorization cache "
            f"{'none' if cached is None else cached.value}, local list "
            f"{'none' if listed is None else listed.status.value}",
            f"transactions: {', '.join(running) or 'none'}",
        ]

    async def _customer_report(self, request_id: int, parts: list[str]) -> None:
        generated_at = now()
        for seq_no, data in enumerate(parts):
            tbc = seq_no < len(parts) - 1
            request = self.uplink.calls.NotifyCustomerInformation(
                data=data, seq_no=seq_no, generated_at=generated_at, request_id=request_id, tbc=tbc
            )
            await self.uplink.link.send(
                request, f"requestId={request_id} seqNo={seq_no} tbc={tbc}", lambda _: "ok"
            )
