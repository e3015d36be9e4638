"""What the OCPP 2.x station does over time: transactions reported with TransactionEvents,
heartbeats, reservation expiry. It changes :class:`~simulator.v2.state.StationState` and
tells the CSMS each change."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from ocpp.v16.enums import ChargingProfilePurposeType

from simulator.sessions import (
    ENERGY_STEP_WH,
    Control,
    Sessions,
    expire_reservation,
    heartbeat_loop,
    sample_meter_values,
)
from simulator.v2 import ev
from simulator.v2.state import OCCUPIED, Evse, StationState, Transaction
from simulator.v2.uplink import UplinkV2

ACCEPTED = "Accepted"
TX_PROFILE = ChargingProfilePurposeType.tx_profile
# The TransactionEvent triggerReason that goes with each stoppedReason (E06, F03, B12).
STOP_TRIGGERS = {
    "Local": "StopAuthorized",
    "Remote": "RemoteStop",
    "ImmediateReset": "ResetCommand",
    "UnlockCommand": "UnlockCommand",
    "DeAuthorized": "Deauthorized",
}


@dataclass(frozen=True)
class Start:
    """Why a transaction starts: the token, and the RequestStartTransaction's id if any."""

    id_token: str
    remote_start_id: int | None = None
    # The token's IdTokenType.type: as the CSMS sent it in RequestStartTransaction.
    id_token_type: str = "ISO14443"

    @property
    def trigger(self) -> str:
        return "Authorized" if self.remote_start_id is None else "RemoteStart"


@dataclass(frozen=True)
class Outcome:
    transaction_id: str
    status: str
    energy_wh: int


class Charger:
    def __init__(self, state: StationState, uplink: UplinkV2, interval: float) -> None:
        self.state = state
        self.uplink = uplink
        self.interval = interval
        self.heartbeat_changed = asyncio.Event()
        self.sessions = Sessions()

    def claim(self, evse: Evse) -> Control:
        """Take an EVSE before answering, so that a second request for it is refused."""
        self.state.set_status(evse, OCCUPIED)
        return self.sessions.claim(evse.id)

    def release(self, evse: Evse) -> None:
        """Give back a claimed EVSE whose transaction never started."""
        self.sessions.release(evse.id)
        self.state.set_status(evse, self.state.resting_status(evse))

    def request_stop(self, evse_id: int, reason: str) -> bool:
        return self.sessions.request_stop(evse_id, reason)

    async def stop_all(self, reason: str) -> None:
        """Stop every transaction and wait until each has told the CSMS (B12)."""
        await self.sessions.stop_all(reason)

    async def charge(self, evse: Evse, start: Start, samples: int | None = None) -> Outcome:
        """TransactionEvent Started, StatusNotification Occupied, Updated every sample until
        ``samples`` were sent (then stoppedReason Local) or a stop is requested, Ended, and
        the resting status (E01-E07). ``samples=None`` samples every TxUpdatedInterval."""
        control = self.sessions.get(evse.id) or self.claim(evse)
        try:
            reservation = self.state.reservation_on(evse.id)
            reservation_id = (
                reservation.id
                if reservation is not None and reservation.id_token == start.id_token
                else None
            )
            if reservation_id is not None:
                self.state.reservations.pop(reservation_id, None)
            transaction = Transaction(
                str(uuid.uuid4()),
                evse.id,
                start.id_token,
                evse.register_wh,
                start.remote_start_id,
                reservation_id,
                id_token_type=start.id_token_type,
            )
            self.state.transactions[evse.id] = transaction
            status = await self.uplink.transaction_event(
                "Started",
                start.trigger,
                transaction,
                evse.register_wh,
                charging_state="Charging",
                with_token=True,
            )
            await self.uplink.status(evse.id, OCCUPIED)
            if status not in (None, ACCEPTED):
                # E05: the station stops a transaction whose token the CSMS did not accept.
                control.request("DeAuthorized")
            else:
                if self.state.iso15118:
                    await ev.notify_needs(self.uplink, evse.id)
                await self._sample(evse, transaction, control, samples)
            reason = control.reason or "Local"
            await self.uplink.transaction_event(
                "Ended",
                STOP_TRIGGERS.get(reason, "AbnormalCondition"),
                transaction,
                evse.register_wh,
                charging_state="Idle",
                stopped_reason=reason,
                with_token=reason == "Local",
            )
            del self.state.transactions[evse.id]
            # A TxProfile ends with its transaction (K01.FR.05).
            self.state.profiles.clear(None, evse.id, TX_PROFILE, None)
            self.state.set_status(evse, self.state.resting_status(evse))
            await self.uplink.status(evse.id, evse.status)
            return Outcome(
                transaction.id, status or ACCEPTED, evse.register_wh - transaction.meter_start_wh
            )
        finally:
            self.sessions.end(evse.id)

    async def _sample(
        self, evse: Evse, transaction: Transaction, control: Control, samples: int | None
    ) -> None:
        async def send() -> None:
            evse.register_wh += ENERGY_STEP_WH
            await self.uplink.transaction_event(
                "Updated", "MeterValuePeriodic", transaction, evse.register_wh
            )

        model = self.state.device_model
        await sample_meter_values(
            control,
            samples,
            self.interval,
            lambda: model.number("SampledDataCtrlr", "TxUpdatedInterval"),
            send,
        )

    async def idle(self) -> None:
        """Wait until no transaction runs (Reset OnIdle, B11 and B12)."""
        await self.sessions.idle()

    async def evse_idle(self, evse_id: int) -> None:
        """Wait until no transaction runs on one EVSE (an EVSE's Reset OnIdle, B11)."""
        control = self.sessions.get(evse_id)
        while control is not None:
            await control.finished.wait()
            control = self.sessions.get(evse_id)

    async def heartbeats(self) -> None:
        """Heartbeat every OCPPCommCtrlr.HeartbeatInterval seconds (G02); a change restarts
        the wait with the new period; zero means none."""
        await heartbeat_loop(
            lambda: self.state.device_model.number("OCPPCommCtrlr", "HeartbeatInterval"),
            self.heartbeat_changed,
            self.uplink.heartbeat,
        )

    async def expire(self, reservation_id: int) -> None:
        """End a reservation at its expiry unless it was used or cancelled (H01.FR.06)."""
        await expire_reservation(
            self.state.reservations, reservation_id, lambda: self._free(reservation_id)
        )

    async def _free(self, reservation_id: int) -> None:
        evse = self.state.release(reservation_id)
        if evse is not None:
            await self.uplink.status(evse.id, evse.status)
        # H04: the station tells the CSMS it ended the reservation at its expiry.
        await self.uplink.reservation_status(reservation_id, "Expired")
