"""Answers to the CSMS-initiated calls of the OCPP 1.6 Core profile (§5), one per action."""

from __future__ import annotations

from typing import Any

from ocpp.v16 import call_result
from ocpp.v16.enums import (
    Action,
    AvailabilityStatus,
    ChargingProfilePurposeType,
    ClearCacheStatus,
    ConfigurationStatus,
    DataTransferStatus,
    Reason,
    RemoteStartStopStatus,
    ResetStatus,
    ResetType,
    UnlockStatus,
)

from simulator.charging_profiles import ChargingProfile
from simulator.state import Connector
from simulator.station import Station, on

VENDOR_ID = "csms-sim"


class CoreHandlers(Station):
    @on(Action.reset)
    def on_reset(self, **payload: Any) -> call_result.Reset:
        """§5.14: stop transactions with reason SoftReset/HardReset, then reboot."""
        reason = Reason.hard_reset if payload["type"] == ResetType.hard else Reason.soft_reset
        self.after_answer("reset", self.reboot(reason))
        return self.heard("Reset", payload, call_result.Reset(ResetStatus.accepted), "Accepted")

    @on(Action.remote_start_transaction)
    def on_remote_start_transaction(self, **payload: Any) -> call_result.RemoteStartTransaction:
        """§5.11: Accepted when the connector (named, or the first free one) is free; the
        transaction then starts as if the driver had plugged in. A charging profile must be
        a TxProfile."""
        id_tag: str = payload["id_tag"]
        connector = self.state.connector_for_start(payload.get("connector_id"), id_tag)
        raw = payload.get("charging_profile")
        profile = (
            None if raw is None or connector is None else ChargingProfile.parse(connector.id, raw)
        )
        if connector is None or (
            profile is not None and profile.purpose != ChargingProfilePurposeType.tx_profile
        ):
            status = RemoteStartStopStatus.rejected
        else:
            status = RemoteStartStopStatus.accepted
            self.charger.claim(connector)
            authorize = self.state.configuration.flag("AuthorizeRemoteTxRequests")
            self.after_answer(
                f"transaction on connector {connector.id}",
                self._charge(connector, id_tag, authorize, profile),
            )
        answer = call_result.RemoteStartTransaction(status)
        return self.heard("RemoteStartTransaction", payload, answer, status)

    async def _charge(
        self, connector: Connector, id_tag: str, authorize: bool, profile: ChargingProfile | None
    ) -> None:
        await self.charger.charge(connector, id_tag, authorize=authorize, profile=profile)

    @on(Action.remote_stop_transaction)
    def on_remote_stop_transaction(self, **payload: Any) -> call_result.RemoteStopTransaction:
        """§5.12: Accepted for a running transaction, which stops with reason Remote."""
        transaction = self.state.transaction(payload["transaction_id"])
        stopping = transaction is not None and self.charger.request_stop(
            transaction.connector_id, Reason.remote
        )
        status = RemoteStartStopStatus.accepted if stopping else RemoteStartStopStatus.rejected
        answer = call_result.RemoteStopTransaction(status)
        return self.heard("RemoteStopTransaction", payload, answer, status)

    @on(Action.unlock_connector)
    def on_unlock_connector(self, **payload: Any) -> call_result.UnlockConnector:
        """§5.18: a connector this station does not have (or 0) is NotSupported; a
        transaction on the unlocked connector stops with reason UnlockCommand."""
        connector_id: int = payload["connector_id"]
        if connector_id == 0 or connector_id not in self.state.connectors:
            status = UnlockStatus.not_supported
        else:
            status = UnlockStatus.unlocked
            self.charger.request_stop(connector_id, Reason.unlock_command)
        answer = call_result.UnlockConnector(status)
        return self.heard("UnlockConnector", payload, answer, status)

    @on(Action.change_availability)
    def on_change_availability(self, **payload: Any) -> call_result.ChangeAvailability:
        """§5.2: Scheduled while a transaction runs (applied when it ends); each connector
        whose status changes now is reported with a StatusNotification."""
        status, changed = self.state.change_availability(payload["connector_id"], payload["type"])
        if status != AvailabilityStatus.rejected and changed:
            self.after_answer("availability", self._report(changed))
        answer = call_result.ChangeAvailability(status)
        return self.heard("ChangeAvailability", payload, answer, status)

    async def _report(self, connectors: list[Connector]) -> None:
        for connector in connectors:
            await self.uplink.status(connector.id, connector.status)

    @on(Action.change_configuration)
    def on_change_configuration(self, **payload: Any) -> call_result.ChangeConfiguration:
        """§5.3; a new HeartbeatInterval applies to the next heartbeat."""
        key, value = payload["key"], payload["value"]
        status = self.state.configuration.change(key, value)
        if status == ConfigurationStatus.accepted and key == "HeartbeatInterval":
            self.charger.heartbeat_changed.set()
        answer = call_result.ChangeConfiguration(status)
        return self.heard("ChangeConfiguration", payload, answer, status)

    @on(Action.get_configuration)
    def on_get_configuration(self, **payload: Any) -> call_result.GetConfiguration:
        """§5.8: every key when none are named; unknown names come back in unknownKey."""
        known, unknown = self.state.configuration.get(payload.get("key"))
        answer = call_result.GetConfiguration(
            configuration_key=[
                {"key": k.key, "readonly": k.readonly, "value": k.value} for k in known
            ],
            unknown_key=unknown or None,
        )
        shown = f"{len(known)} known" + (f", unknown {','.join(unknown)}" if unknown else "")
        return self.heard("GetConfiguration", payload, answer, shown)

    @on(Action.clear_cache)
    def on_clear_cache(self, **payload: Any) -> call_result.ClearCache:
        """§5.4: the Authorization Cache is emptied; the Local Authorization List stays."""
        self.state.cache.clear()
        answer = call_result.ClearCache(ClearCacheStatus.accepted)
        return self.heard("ClearCache", payload, answer, "Accepted")

    @on(Action.data_transfer)
    def on_data_transfer(self, **payload: Any) -> call_result.DataTransfer:
        """§5.6: this station's vendor id is ``csms-sim``; it echoes the data it is sent."""
        if payload["vendor_id"] == VENDOR_ID:
            answer = call_result.DataTransfer(DataTransferStatus.accepted, payload.get("data"))
        else:
            answer = call_result.DataTransfer(DataTransferStatus.unknown_vendor_id)
        return self.heard("DataTransfer", payload, answer, answer.status)
