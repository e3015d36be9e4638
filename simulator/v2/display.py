"""Display messages of the simulated OCPP 2.x station (O01-O06): it holds what the CSMS
set, by id, shows it in the states it names, reports what matches a GetDisplayMessages in
NotifyDisplayMessages parts, and forgets a cleared one."""

from __future__ import annotations

from typing import Any

from simulator.station import on
from simulator.v2.station import StationV2

# Messages per NotifyDisplayMessages part: one, so a report of two messages already comes
# in several parts (tbc on every part but the last), as a CSMS must be ready for.
MESSAGES_PER_PART = 1


def matches(
    message: dict[str, Any], ids: list[int] | None, priority: str | None, state: str | None
) -> bool:
    """O04: a message matches when it has one of ``ids`` and the priority and state asked
    for; a criterion not given matches every message."""
    return (
        (not ids or message["id"] in ids)
        and (priority is None or message["priority"] == priority)
        and (state is None or message.get("state") == state)
    )


class DisplayHandlers(StationV2):
    @on("SetDisplayMessage")
    def on_set_display_message(self, **payload: Any) -> Any:
        """O01/O02: Accepted and held (replacing one with the same id, O01.FR.xx);
        UnknownTransaction when it names a transaction the station is not running."""
        message = payload["message"]
        transaction_id = message.get("transaction_id")
        running = {transaction.id for transaction in self.state.transactions.values()}
        status = "Accepted"
        if transaction_id is not None and transaction_id not in running:
            status = "UnknownTransaction"
        else:
            self.state.display_messages[message["id"]] = message
        answer = self.results.SetDisplayMessage(status=status)
        return self.heard("SetDisplayMessage", payload, answer, status)

    @on("GetDisplayMessages")
    def on_get_display_messages(self, **payload: Any) -> Any:
        """O04: Accepted and the matching messages in NotifyDisplayMessages parts, or
        Unknown when none match."""
        found = [
            message
            for _, message in sorted(self.state.display_messages.items())
            if matches(message, payload.get("id"), payload.get("priority"), payload.get("state"))
        ]
        status = "Accepted" if found else "Unknown"
        if found:
            self.after_answer(
                "display messages", self._display_report(payload["request_id"], found)
            )
        answer = self.results.GetDisplayMessages(status=status)
        return self.heard("GetDisplayMessages", payload, answer, f"{status} ({len(found)})")

    async def _display_report(self, request_id: int, messages: list[dict[str, Any]]) -> None:
        parts = [
            messages[start : start + MESSAGES_PER_PART]
            for start in range(0, len(messages), MESSAGES_PER_PART)
        ]
        for index, part in enumerate(parts):
            tbc = index < len(parts) - 1
            request = self.uplink.calls.NotifyDisplayMessages(
                request_id=request_id, message_info=part, tbc=tbc
            )
            await self.uplink.link.send(
                request,
                f"requestId={request_id} {len(part)} messages tbc={tbc}",
                lambda _: "ok",
            )

    @on("ClearDisplayMessage")
    def on_clear_display_message(self, **payload: Any) -> Any:
        """O05: Accepted when it held the message, Unknown when not."""
        removed = self.state.display_messages.pop(payload["id"], None)
        status = "Accepted" if removed is not None else "Unknown"
        answer = self.results.ClearDisplayMessage(status=status)
        return self.heard("ClearDisplayMessage", payload, answer, status)
