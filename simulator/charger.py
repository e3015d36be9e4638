"""What the station does over time: transactions with meter values, heartbeats, reservation
expiry. It changes :class:`~simulator.state.StationState` and tells the CSMS each change."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

from ocpp.v16.enums import AuthorizationStatus, ChargePointStatus, Reason

from simulator.charging_profiles import ChargingProfile
from simulator.sessions import (
    ENERGY_STEP_WH,
    Control,
    Sessions,
    expire_reservation,
    heartbeat_loop,
    sample_meter_values,
)
from simulator.state import Connector, StationState, Transaction
from simulator.uplink import Uplink


@dataclass(frozen=True)
class Outcome:
    """How a charging session ended: no transaction when authorization failed first."""

    transaction_id: int | None
    status: str
    energy_wh: int


class Charger:
    def __init__(self, state: StationState, uplink: Uplink, interval: float) -> None:
        self.state = state
        self.uplink = uplink
        # The scenario's pause between meter values (--interval).
        self.interval = interval
        self.heartbeat_changed = asyncio.Event()
        self.sessions = Sessions()

    def claim(self, connector: Connector) -> Control:
        """Take a connector for a session before answering, so that a second request for it
        is refused at once."""
        connector.status = ChargePointStatus.preparing
        return self.sessions.claim(connector.id)

    def request_stop(self, connector_id: int, reason: str) -> bool:
        return self.sessions.request_stop(connector_id, reason)

    async def stop_all(self, reason: str) -> None:
        """Stop every session and wait until each has told the CSMS (Reset, §5.14)."""
        await self.sessions.stop_all(reason)

    async def charge(
        self,
        connector: Connector,
        id_tag: str,
        *,
        authorize: bool,
        samples: int | None = None,
        profile: ChargingProfile | None = None,
    ) -> Outcome:
        """Preparing, (Authorize), StartTransaction, Charging, meter values until ``samples``
        were sent (then reason Local) or a stop is requested, StopTransaction, Finishing, and
        the resting status (§3.6, §4.8, §4.10). ``samples=None`` samples every
        MeterValueSampleInterval seconds until stopped."""
        control = self.sessions.get(connector.id) or self.claim(connector)
        try:
            await self.uplink.status(connector.id, ChargePointStatus.preparing)
            status = await self.authorize(id_tag) if authorize else AuthorizationStatus.accepted
            if status != AuthorizationStatus.accepted or control.reason is not None:
                await self._rest(connector)
                return Outcome(None, status, 0)
            transaction = await self._start(connector, id_tag, profile)
            status = self.state.cache.status(id_tag) or AuthorizationStatus.invalid
            start_wh = connector.register_wh
            if status == AuthorizationStatus.accepted:
                connector.status = ChargePointStatus.charging
                await self.uplink.status(connector.id, ChargePointStatus.charging)
                await self._sample(connector, transaction, control, samples)
            else:
                # §4.8: the station stops a transaction the CSMS did not accept.
                control.request(Reason.de_authorized)
            await self._stop(connector, transaction, control.reason or Reason.local)
            return Outcome(transaction.id, status, connector.register_wh - start_wh)
        finally:
            self.sessions.end(connector.id)

    async def authorize(self, id_tag: str) -> str:
        """Authorize, unless LocalPreAuthorize lets the local list or cache say Accepted
        (§3.5, §5.11 with AuthorizeRemoteTxRequests)."""
        if self.state.configuration.flag("LocalPreAuthorize"):
            local = self.state.local_list.status(id_tag) or self.state.cache.status(id_tag)
            if local == AuthorizationStatus.accepted:
                return str(local)
        status = await self.uplink.authorize(id_tag)
        self.state.cache.remember(id_tag, status)
        return status

    async def _start(
        self, connector: Connector, id_tag: str, profile: ChargingProfile | None
    ) -> Transaction:
        reservation = self.state.reservation_on(connector.id)
        reservation_id = (
            reservation.id if reservation is not None and reservation.id_tag == id_tag else None
        )
        transaction_id, status = await self.uplink.start(
            connector.id, id_tag, connector.register_wh, reservation_id
        )
        self.state.cache.remember(id_tag, status)
        if reservation_id is not None:
            # A reservation ends when its id tag starts a transaction (§5.13).
            self.state.reservations.pop(reservation_id, None)
        transaction = Transaction(
            transaction_id, connector.id, id_tag, connector.register_wh, reservation_id
        )
        self.state.transactions[connector.id] = transaction
        if profile is not None:
            # RemoteStartTransaction's TxProfile belongs to the transaction it started (§5.11).
            self.state.install_profile(replace(profile, transaction_id=transaction_id))
        return transaction

    async def _sample(
        self, connector: Connector, transaction: Transaction, control: Control, samples: int | None
    ) -> None:
        async def send() -> None:
            connector.register_wh += ENERGY_STEP_WH
            await self.uplink.meter_value(
                connector.id, transaction.id, connector.register_wh, "Sample.Periodic"
            )

        # MeterValueSampleInterval 0: no sampled meter values (§9.1.17).
        await sample_meter_values(
            control,
            samples,
            self.interval,
            lambda: self.state.configuration.number("MeterValueSampleInterval"),
            send,
        )

    async def _stop(self, connector: Connector, transaction: Transaction, reason: str) -> None:
        await self.uplink.stop(transaction.id, transaction.id_tag, connector.register_wh, reason)
        del self.state.transactions[connector.id]
        self.state.profiles.end_transaction(transaction.id)
        connector.status = ChargePointStatus.finishing
        await self.uplink.status(connector.id, ChargePointStatus.finishing)
        await self._rest(connector)

    async def _rest(self, connector: Connector) -> None:
        """Back to Available, or Unavailable when a ChangeAvailability was Scheduled (§5.2)."""
        connector.status = (
            ChargePointStatus.reserved
            if connector.operative and self.state.reservation_on(connector.id) is not None
            else connector.idle_status
        )
        await self.uplink.status(connector.id, connector.status)

    async def heartbeats(self) -> None:
        """Heartbeat every HeartbeatInterval seconds; a change of the key restarts the wait
        with the new period (§4.6, §9.1.13). Zero means no heartbeats."""
        await heartbeat_loop(
            lambda: self.state.configuration.number("HeartbeatInterval"),
            self.heartbeat_changed,
            self.uplink.heartbeat,
        )

    async def expire(self, reservation_id: int) -> None:
        """End a reservation at its expiry date unless it was used or cancelled (§5.13)."""
        await expire_reservation(
            self.state.reservations, reservation_id, lambda: self._free(reservation_id)
        )

    async def _free(self, reservation_id: int) -> None:
        connector = self.state.release(reservation_id)
        if connector is not None:
            await self.uplink.status(connector.id, connector.status)
