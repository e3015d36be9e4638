"""What the station does over time: transactions with meter values, heartbeats, reservation
expiry. It changes :class:`~simulator.state.StationState` and tells the CSMS each change."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from ocpp.v16.enums import AuthorizationStatus, ChargePointStatus, Reason

from simulator.charging_profiles import ChargingProfile
from simulator.state import Connector, StationState, Transaction
from simulator.uplink import Uplink

# Each meter value adds this much energy: an 11 kW charger sampled every ~80 s.
ENERGY_STEP_WH = 250


@dataclass
class Control:
    """How to end one connector's charging session from outside it."""

    reason: str | None = None
    requested: asyncio.Event = field(default_factory=asyncio.Event)
    finished: asyncio.Event = field(default_factory=asyncio.Event)

    def request(self, reason: str) -> None:
        self.reason = self.reason or reason
        self.requested.set()

    async def wait(self, seconds: float) -> bool:
        """True when a stop was requested within ``seconds``."""
        try:
            async with asyncio.timeout(seconds):
                await self.requested.wait()
        except TimeoutError:
            return False
        return True


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
        self._controls: dict[int, Control] = {}

    def claim(self, connector: Connector) -> Control:
        """Take a connector for a session before answering, so that a second request for it
        is refused at once."""
        connector.status = ChargePointStatus.preparing
        control = self._controls[connector.id] = Control()
        return control

    def request_stop(self, connector_id: int, reason: str) -> bool:
        control = self._controls.get(connector_id)
        if control is None:
            return False
        control.request(reason)
        return True

    async def stop_all(self, reason: str) -> None:
        """Stop every session and wait until each has told the CSMS (Reset, §5.14)."""
        controls = list(self._controls.values())
        for control in controls:
            control.request(reason)
        for control in controls:
            await control.finished.wait()

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
        control = self._controls.get(connector.id) or self.claim(connector)
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
            del self._controls[connector.id]
            control.finished.set()

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
        sent = 0
        while samples is None or sent < samples:
            period = (
                self.interval
                if samples is not None
                else self.state.configuration.number("MeterValueSampleInterval")
            )
            if samples is None and period <= 0:
                # MeterValueSampleInterval 0: no sampled meter values (§9.1.17).
                await control.requested.wait()
                return
            if await control.wait(period):
                return
            connector.register_wh += ENERGY_STEP_WH
            await self.uplink.meter_value(
                connector.id, transaction.id, connector.register_wh, "Sample.Periodic"
            )
            sent += 1

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
        while True:
            period = self.state.configuration.number("HeartbeatInterval")
            try:
                async with asyncio.timeout(period if period > 0 else None):
                    await self.heartbeat_changed.wait()
            except TimeoutError:
                await self.uplink.heartbeat()
                continue
            self.heartbeat_changed.clear()

    async def expire(self, reservation_id: int) -> None:
        """End a reservation at its expiry date unless it was used or cancelled (§5.13)."""
        reservation = self.state.reservations.get(reservation_id)
        if reservation is None:
            return
        await asyncio.sleep(max(0.0, (reservation.expiry - datetime.now(UTC)).total_seconds()))
        if self.state.reservations.get(reservation_id) is not reservation:
            return
        connector = self.state.release(reservation_id)
        if connector is not None:
            await self.uplink.status(connector.id, connector.status)
