"""Answers to the OCPP 1.6 LocalAuthListManagement (§5.10, §5.15), Reservation (§5.1,
§5.13) and SmartCharging (§5.5, §5.7, §5.16) profiles, one per action."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ocpp.v16 import call_result
from ocpp.v16.enums import (
    Action,
    CancelReservationStatus,
    ChargingProfilePurposeType,
    ChargingProfileStatus,
    GetCompositeScheduleStatus,
    ReservationStatus,
)

from simulator.charging_profiles import ChargingProfile, composite
from simulator.state import Connector, Reservation
from simulator.station import Station, on
from simulator.uplink import now


class ManagementHandlers(Station):
    @on(Action.get_local_list_version)
    def on_get_local_list_version(self, **payload: Any) -> call_result.GetLocalListVersion:
        """§5.10: 0 until the CSMS sends a list."""
        version = self.state.local_list.version
        answer = call_result.GetLocalListVersion(list_version=version)
        return self.heard("GetLocalListVersion", payload, answer, f"listVersion={version}")

    @on(Action.send_local_list)
    def on_send_local_list(self, **payload: Any) -> call_result.SendLocalList:
        """§5.15: Full replaces, Differential adds, updates and removes entries."""
        configuration = self.state.configuration
        status = self.state.local_list.update(
            payload["update_type"],
            payload["list_version"],
            payload.get("local_authorization_list", []),
            max_per_message=int(configuration.number("SendLocalListMaxLength")),
            max_length=int(configuration.number("LocalAuthListMaxLength")),
        )
        answer = call_result.SendLocalList(status)
        return self.heard(
            "SendLocalList", payload, answer, f"{status}: list {self.state.local_list.shown()}"
        )

    @on(Action.reserve_now)
    def on_reserve_now(self, **payload: Any) -> call_result.ReserveNow:
        """§5.13: Accepted on a free connector, which becomes Reserved until the expiry date,
        a CancelReservation, or a transaction started with its id tag."""
        reservation = Reservation(
            payload["reservation_id"],
            payload["connector_id"],
            payload["id_tag"],
            datetime.fromisoformat(payload["expiry_date"].replace("Z", "+00:00")),
        )
        status = self.state.reserve(
            reservation, self.state.configuration.flag("ReserveConnectorZeroSupported")
        )
        if status == ReservationStatus.accepted:
            connector = self.state.connectors[reservation.connector_id]
            self.after_answer("reservation", self._reserved(connector, reservation.id))
        return self.heard("ReserveNow", payload, call_result.ReserveNow(status), status)

    async def _reserved(self, connector: Connector, reservation_id: int) -> None:
        await self.uplink.status(connector.id, connector.status)
        await self.charger.expire(reservation_id)

    @on(Action.cancel_reservation)
    def on_cancel_reservation(self, **payload: Any) -> call_result.CancelReservation:
        """§5.1: Accepted for a reservation the station holds; its connector is free again."""
        reservation_id: int = payload["reservation_id"]
        known = reservation_id in self.state.reservations
        connector = self.state.release(reservation_id)
        if connector is not None:
            self.after_answer("reservation", self.uplink.status(connector.id, connector.status))
        status = CancelReservationStatus.accepted if known else CancelReservationStatus.rejected
        answer = call_result.CancelReservation(status)
        return self.heard("CancelReservation", payload, answer, status)

    @on(Action.set_charging_profile)
    def on_set_charging_profile(self, **payload: Any) -> call_result.SetChargingProfile:
        """§5.16: Rejected for an unknown connector, a stack level above
        ChargeProfileMaxStackLevel, a ChargePointMaxProfile off connector 0, or a TxProfile
        without a transaction on its connector (§3.13.1)."""
        connector_id: int = payload["connector_id"]
        profile = ChargingProfile.parse(connector_id, payload["cs_charging_profiles"])
        status = self._check_profile(profile)
        if status is None:
            status = self.state.install_profile(profile)
        answer = call_result.SetChargingProfile(status)
        return self.heard("SetChargingProfile", payload, answer, status)

    def _check_profile(self, profile: ChargingProfile) -> ChargingProfileStatus | None:
        if profile.connector_id not in self.state.connectors:
            return ChargingProfileStatus.rejected
        purpose = profile.purpose
        if purpose == ChargingProfilePurposeType.charge_point_max_profile:
            return None if profile.connector_id == 0 else ChargingProfileStatus.rejected
        if purpose == ChargingProfilePurposeType.tx_profile:
            running = self.state.transactions.get(profile.connector_id)
            if running is None or profile.transaction_id not in (None, running.id):
                return ChargingProfileStatus.rejected
        return None

    @on(Action.clear_charging_profile)
    def on_clear_charging_profile(self, **payload: Any) -> call_result.ClearChargingProfile:
        """§5.5: Accepted when at least one profile matched, Unknown otherwise."""
        status = self.state.profiles.clear(
            payload.get("id"),
            payload.get("connector_id"),
            payload.get("charging_profile_purpose"),
            payload.get("stack_level"),
        )
        answer = call_result.ClearChargingProfile(status)
        return self.heard("ClearChargingProfile", payload, answer, status)

    @on(Action.get_composite_schedule)
    def on_get_composite_schedule(self, **payload: Any) -> call_result.GetCompositeSchedule:
        """§5.7: the schedule of the profile governing the connector; Rejected for an unknown
        connector or when no profile applies."""
        connector_id: int = payload["connector_id"]
        transaction = self.state.transactions.get(connector_id)
        profile = (
            self.state.profiles.governing(
                connector_id,
                None if transaction is None else transaction.id,
                datetime.now(UTC),
            )
            if connector_id in self.state.connectors
            else None
        )
        if profile is None:
            answer = call_result.GetCompositeSchedule(GetCompositeScheduleStatus.rejected)
            return self.heard("GetCompositeSchedule", payload, answer, "Rejected")
        schedule = composite(profile, payload["duration"], payload.get("charging_rate_unit"))
        answer = call_result.GetCompositeSchedule(
            GetCompositeScheduleStatus.accepted,
            connector_id=connector_id,
            schedule_start=now(),
            charging_schedule=schedule,
        )
        return self.heard("GetCompositeSchedule", payload, answer, f"Accepted profile {profile.id}")
