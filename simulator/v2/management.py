"""Answers to OCPP 2.x blocks D (local authorization list), H (reservation), K (smart
charging), N (diagnostics log) and E (transaction status), one per action; the same for
2.0.1 and 2.1. F06 (trigger message) is :mod:`simulator.v2.triggers`, L (firmware)
:mod:`simulator.v2.firmware`."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from ocpp.v16.enums import AuthorizationStatus, ChargingProfilePurposeType

from simulator.charging_profiles import ChargingProfile, Schedule, composite
from simulator.firmware_v16 import TRANSFER_SCHEMES
from simulator.station import on
from simulator.uplink import now
from simulator.v2 import ev
from simulator.v2.state import Evse, Reservation
from simulator.v2.station import StationV2

# 2.x purposes this station keeps, as the 1.6 profile store names them (K01).
PURPOSES = {
    "ChargingStationMaxProfile": ChargingProfilePurposeType.charge_point_max_profile,
    "TxDefaultProfile": ChargingProfilePurposeType.tx_default_profile,
    "TxProfile": ChargingProfilePurposeType.tx_profile,
}
TX_PROFILE = ChargingProfilePurposeType.tx_profile
KNOWN_STATUSES = frozenset(s.value for s in AuthorizationStatus)
MAX_PROFILES = 10


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class ManagementHandlers(StationV2):
    @on("GetLocalListVersion")
    def on_get_local_list_version(self, **payload: Any) -> Any:
        """D02: 0 until the CSMS sends a list."""
        version = self.state.local_list.version
        answer = self.results.GetLocalListVersion(version_number=version)
        return self.heard("GetLocalListVersion", payload, answer, f"versionNumber={version}")

    @on("SendLocalList")
    def on_send_local_list(self, **payload: Any) -> Any:
        """D01: Full replaces, Differential adds, updates and removes entries. The list keeps
        the statuses 1.6 knows; any other status means "not Accepted" here (Invalid)."""
        entries = [
            {
                "id_tag": entry["id_token"]["id_token"],
                "id_token_type": entry["id_token"]["type"],
                "id_tag_info": None
                if entry.get("id_token_info") is None
                else {"status": known_status(entry["id_token_info"]["status"])},
            }
            for entry in payload.get("local_authorization_list") or []
        ]
        model = self.state.device_model
        status = self.state.local_list.update(
            payload["update_type"],
            payload["version_number"],
            entries,
            max_per_message=int(model.number("LocalAuthListCtrlr", "ItemsPerMessage")),
            max_length=int(model.number("LocalAuthListCtrlr", "Entries")),
        )
        answer = self.results.SendLocalList(status=str(status))
        return self.heard(
            "SendLocalList", payload, answer, f"{status}: list {self.state.local_list.shown()}"
        )

    @on("ReserveNow")
    def on_reserve_now(self, **payload: Any) -> Any:
        """H01: Accepted on a free EVSE (the one named, else one with a connector of the
        type named, else any), which becomes Reserved until the expiry (then
        ReservationStatusUpdate Expired, H04), a CancelReservation, its removal, or a
        transaction started with its token."""
        group = payload.get("group_id_token")
        wanted = Reservation(
            payload["id"],
            payload.get("evse_id"),
            payload["id_token"]["id_token"],
            _instant(payload["expiry_date_time"]),
            connector_type=payload.get("connector_type"),
            group_id_token=None if group is None else group["id_token"],
        )
        status, evse = self.state.reserve(wanted)
        if evse is not None:
            self.after_answer("reservation", self._reserved(evse, wanted.id))
        answer = self.results.ReserveNow(status=status)
        shown = status if evse is None else f"{status} evseId={evse.id}"
        return self.heard("ReserveNow", payload, answer, shown)

    async def _reserved(self, evse: Evse, reservation_id: int) -> None:
        await self.uplink.status(evse.id, evse.status)
        await self.charger.expire(reservation_id)

    @on("CancelReservation")
    def on_cancel_reservation(self, **payload: Any) -> Any:
        """H02: Accepted for a reservation the station holds; its EVSE is free again."""
        reservation_id: int = payload["reservation_id"]
        known = reservation_id in self.state.reservations
        evse = self.state.release(reservation_id)
        if evse is not None:
            self.after_answer("reservation", self.uplink.status(evse.id, evse.status))
        status = "Accepted" if known else "Rejected"
        answer = self.results.CancelReservation(status=status)
        return self.heard("CancelReservation", payload, answer, status)

    @on("SetChargingProfile")
    def on_set_charging_profile(self, **payload: Any) -> Any:
        """K01: Rejected for an unknown EVSE, a purpose this station does not keep, a
        ChargingStationMaxProfile off EVSE 0, a TxProfile without its transaction running
        on the EVSE, or a stack level above SmartChargingCtrlr.ProfileStackLevel."""
        evse_id: int = payload["evse_id"]
        raw = payload["charging_profile"]
        purpose = PURPOSES.get(raw["charging_profile_purpose"])
        running = self.state.transactions.get(evse_id)
        acceptable = (
            purpose is not None
            and (evse_id == 0 or evse_id in self.state.evses)
            and (purpose != ChargingProfilePurposeType.charge_point_max_profile or evse_id == 0)
            and (
                purpose != ChargingProfilePurposeType.tx_profile
                or (running is not None and raw.get("transaction_id") in (None, running.id))
            )
        )
        status = "Rejected"
        if acceptable and purpose is not None:
            profile = ChargingProfile(
                id=raw["id"],
                connector_id=evse_id,
                stack_level=raw["stack_level"],
                purpose=purpose,
                schedule=Schedule.parse(raw["charging_schedule"][0]),
            )
            level = int(self.state.device_model.number("SmartChargingCtrlr", "ProfileStackLevel"))
            status = str(self.state.profiles.install(profile, level, MAX_PROFILES))
            if status == "Accepted" and purpose == TX_PROFILE and self.state.iso15118:
                # K17: the EV answers the TxProfile with its own schedule.
                self.after_answer("ev", ev.notify_schedule(self.uplink, evse_id, profile))
        answer = self.results.SetChargingProfile(status=status)
        return self.heard("SetChargingProfile", payload, answer, status)

    @on("ClearChargingProfile")
    def on_clear_charging_profile(self, **payload: Any) -> Any:
        """K10: Accepted when at least one profile matched, Unknown otherwise."""
        criteria = payload.get("charging_profile_criteria") or {}
        raw_purpose = criteria.get("charging_profile_purpose")
        status = str(
            self.state.profiles.clear(
                payload.get("charging_profile_id"),
                criteria.get("evse_id"),
                None if raw_purpose is None else PURPOSES.get(raw_purpose, raw_purpose),
                criteria.get("stack_level"),
            )
        )
        answer = self.results.ClearChargingProfile(status=status)
        return self.heard("ClearChargingProfile", payload, answer, status)

    @on("GetCompositeSchedule")
    def on_get_composite_schedule(self, **payload: Any) -> Any:
        """K08: the schedule of the profile governing the EVSE (a simplification of the
        full composition); Rejected for an unknown EVSE or when no profile applies."""
        evse_id: int = payload["evse_id"]
        known = evse_id == 0 or evse_id in self.state.evses
        running = self.state.transactions.get(evse_id)
        profile = (
            self.state.profiles.governing(evse_id, 0 if running else None, datetime.now(UTC))
            if known
            else None
        )
        if profile is None:
            answer = self.results.GetCompositeSchedule(status="Rejected")
            return self.heard("GetCompositeSchedule", payload, answer, "Rejected")
        schedule = composite(profile, payload["duration"], payload.get("charging_rate_unit"))
        schedule.update(evse_id=evse_id, schedule_start=now())
        answer = self.results.GetCompositeSchedule(status="Accepted", schedule=schedule)
        return self.heard("GetCompositeSchedule", payload, answer, f"Accepted profile {profile.id}")

    @on("GetTransactionStatus")
    def on_get_transaction_status(self, **payload: Any) -> Any:
        """E14: this station sends at once, so nothing is ever queued."""
        transaction_id = payload.get("transaction_id")
        ongoing = (
            None if transaction_id is None else self.state.transaction(transaction_id) is not None
        )
        answer = self.results.GetTransactionStatus(
            messages_in_queue=False, ongoing_indicator=ongoing
        )
        return self.heard("GetTransactionStatus", payload, answer, f"ongoing={ongoing}")

    @on("GetLog")
    def on_get_log(self, **payload: Any) -> Any:
        """N01: Accepted with the file name, then Uploading and Uploaded (UploadFailure
        when the remote location is not an upload URL)."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        name = f"{payload['log_type'].lower()}-{self.id}-{stamp}.log"
        location = payload["log"]["remote_location"]
        self.after_answer("log upload", self._upload(payload["request_id"], location))
        answer = self.results.GetLog(status="Accepted", filename=name)
        return self.heard("GetLog", payload, answer, f"Accepted filename={name}")

    async def _upload(self, request_id: int, location: str) -> None:
        self.state.log = "Uploading"
        await self.uplink.log_status("Uploading", request_id)
        await asyncio.sleep(self.interval)
        done = "Uploaded" if urlsplit(location).scheme in TRANSFER_SCHEMES else "UploadFailure"
        self.state.log = "Idle"
        await self.uplink.log_status(done, request_id)


def known_status(status: str) -> str:
    """A 2.x authorization status as the 1.6 local list and cache keep it."""
    return status if status in KNOWN_STATUSES else AuthorizationStatus.invalid.value
