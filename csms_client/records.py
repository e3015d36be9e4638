"""Charge points, transactions and id tags: the services' own reads and registrations."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from csms.auth.v1 import auth_pb2
from csms.chargepoint.v1 import chargepoint_pb2, firmware_pb2, fleet_pb2, smart_charging_pb2
from csms.edge.v1 import firmware_pb2 as edge_firmware_pb2
from csms.edge.v1 import smart_charging_pb2 as edge_charging_pb2
from csms.transaction.v1 import closure_pb2, transaction_pb2
from csms_client.errors import invoke
from csms_client.moments import to_timestamp

if TYPE_CHECKING:
    from csms.auth.v1.auth_pb2_grpc import AuthServiceAsyncStub
    from csms.chargepoint.v1.chargepoint_pb2_grpc import ChargePointServiceAsyncStub
    from csms.transaction.v1.transaction_pb2_grpc import TransactionServiceAsyncStub

RegistrationStatus = chargepoint_pb2.ChargePoint.RegistrationStatus
ConnectorStatus = chargepoint_pb2.Connector.Status
IdTagStatus = auth_pb2.IdTokenInfo.Status
TransactionStatus = transaction_pb2.Transaction.Status


class ChargePoints:
    """chargepoint_svc: registration and what stations reported."""

    def __init__(self, stub: ChargePointServiceAsyncStub, timeout: float) -> None:
        self.stub, self._timeout = stub, timeout

    async def create(
        self,
        charge_point_id: str,
        status: RegistrationStatus.ValueType = RegistrationStatus.ACCEPTED,
    ) -> chargepoint_pb2.ChargePoint:
        request = chargepoint_pb2.CreateChargePointRequest(
            id=charge_point_id, registration_status=status
        )
        return await invoke(self.stub.CreateChargePoint, request, self._timeout)

    async def get(self, charge_point_id: str) -> chargepoint_pb2.ChargePoint:
        request = chargepoint_pb2.GetChargePointRequest(id=charge_point_id)
        return await invoke(self.stub.GetChargePoint, request, self._timeout)

    async def list(
        self,
        page_size: int = 0,
        page_token: str = "",
        *,
        query: str = "",
        vendor: str = "",
        model: str = "",
        ocpp_version: str = "",
        registration_status: RegistrationStatus.ValueType = (
            RegistrationStatus.REGISTRATION_STATUS_UNSPECIFIED
        ),
        connector_status: ConnectorStatus.ValueType = ConnectorStatus.STATUS_UNSPECIFIED,
        firmware_version: str = "",
    ) -> chargepoint_pb2.ListChargePointsResponse:
        """One page of the charge points the filters match (each empty: any);
        ``next_page_token`` of the answer asks for the next with the same filters, and
        ``total_size`` says how many match. ``query`` is a case-insensitive substring of
        the id, vendor, model or serial number; ``vendor`` and ``model`` match the whole
        value, case-insensitively; ``connector_status``: a connector in that status."""
        request = chargepoint_pb2.ListChargePointsRequest(
            page_size=page_size,
            page_token=page_token,
            query=query,
            vendor=vendor,
            model=model,
            ocpp_version=ocpp_version,
            registration_status=registration_status,
            connector_status=connector_status,
            firmware_version=firmware_version,
        )
        return await invoke(self.stub.ListChargePoints, request, self._timeout)

    # Issue 14: fleet summary.
    async def fleet_summary(self) -> fleet_pb2.FleetSummary:
        """The counts of the whole fleet: by registration status, OCPP version, worst
        connector status, connectors by status, and the top vendors and models."""
        request = fleet_pb2.GetFleetSummaryRequest()
        return await invoke(self.stub.GetFleetSummary, request, self._timeout)

    # Issue 13: station registration.
    async def change_registration(
        self, charge_point_id: str, status: RegistrationStatus.ValueType
    ) -> chargepoint_pb2.ChangeRegistrationResponse:
        """An operator's decision: ACCEPTED makes a connected Pending or Rejected station
        boot now (``boot`` of the answer says whether it agreed); PENDING and REJECTED
        take effect at its next boot."""
        request = chargepoint_pb2.ChangeRegistrationRequest(
            charge_point_id=charge_point_id, status=status
        )
        return await invoke(self.stub.ChangeRegistration, request, self._timeout)

    # Issue 13: smart charging.

    async def charging_profiles(
        self, charge_point_id: str
    ) -> Sequence[smart_charging_pb2.HeldChargingProfile]:
        """The profiles the station holds, as it last reported them (OCPP 2.x K09; ask
        it with :meth:`csms_client.edge.Edge.get_charging_profiles`)."""
        request = smart_charging_pb2.ListStationChargingProfilesRequest(
            charge_point_id=charge_point_id
        )
        reply = await invoke(self.stub.ListStationChargingProfiles, request, self._timeout)
        return list(reply.profiles)

    async def charging_limits(
        self, charge_point_id: str
    ) -> Sequence[smart_charging_pb2.ChargingLimit]:
        """The external limits in force on the station (K12, until K13 clears them)."""
        request = smart_charging_pb2.ListChargingLimitsRequest(charge_point_id=charge_point_id)
        reply = await invoke(self.stub.ListChargingLimits, request, self._timeout)
        return list(reply.limits)

    async def ev_charging_needs(
        self, charge_point_id: str
    ) -> Sequence[smart_charging_pb2.EVChargingNeeds]:
        """What ISO 15118 EVs asked for, per EVSE, with the schedule the CSMS offered and
        the EV's answer (K15, K17)."""
        request = smart_charging_pb2.ListEVChargingNeedsRequest(charge_point_id=charge_point_id)
        reply = await invoke(self.stub.ListEVChargingNeeds, request, self._timeout)
        return list(reply.needs)

    async def set_site_limit(self, charge_point_id: str, max_power_w: float) -> float:
        """The most power (W) the station may draw in the schedules offered to EVs; 0
        removes the station's own limit. The limit now set (0: none)."""
        request = smart_charging_pb2.StationSiteLimit(
            charge_point_id=charge_point_id, max_power_w=max_power_w
        )
        reply = await invoke(self.stub.SetStationSiteLimit, request, self._timeout)
        return reply.max_power_w

    async def site_limit(self, charge_point_id: str) -> float:
        """The station's own power limit, W; 0: none set."""
        request = smart_charging_pb2.GetStationSiteLimitRequest(charge_point_id=charge_point_id)
        reply = await invoke(self.stub.GetStationSiteLimit, request, self._timeout)
        return reply.max_power_w


class ChargingProfileLibrary:
    """chargepoint_svc: the operator's named charging profiles, applied to stations."""

    def __init__(self, stub: ChargePointServiceAsyncStub, timeout: float) -> None:
        self.stub, self._timeout = stub, timeout

    async def create(
        self, name: str, profile: edge_charging_pb2.ChargingProfile
    ) -> smart_charging_pb2.LibraryChargingProfile:
        request = smart_charging_pb2.CreateLibraryChargingProfileRequest(name=name, profile=profile)
        return await invoke(self.stub.CreateLibraryChargingProfile, request, self._timeout)

    async def get(self, name: str) -> smart_charging_pb2.LibraryChargingProfile:
        request = smart_charging_pb2.GetLibraryChargingProfileRequest(name=name)
        return await invoke(self.stub.GetLibraryChargingProfile, request, self._timeout)

    async def list(
        self, page_size: int = 0, page_token: str = ""
    ) -> smart_charging_pb2.ListLibraryChargingProfilesResponse:
        """One page, by name; ``next_page_token`` of the answer asks for the next."""
        request = smart_charging_pb2.ListLibraryChargingProfilesRequest(
            page_size=page_size, page_token=page_token
        )
        return await invoke(self.stub.ListLibraryChargingProfiles, request, self._timeout)

    async def delete(self, name: str) -> None:
        request = smart_charging_pb2.DeleteLibraryChargingProfileRequest(name=name)
        await invoke(self.stub.DeleteLibraryChargingProfile, request, self._timeout)

    async def apply(
        self, charge_point_id: str, name: str, evse_id: int = 0, transaction_id: int = 0
    ) -> smart_charging_pb2.ApplyChargingProfileResponse:
        """SetChargingProfile with the profile ``name``; accepted, the station holds it
        (:meth:`ChargePoints.charging_profiles`)."""
        request = smart_charging_pb2.ApplyChargingProfileRequest(
            charge_point_id=charge_point_id,
            name=name,
            evse_id=evse_id,
            transaction_id=transaction_id,
        )
        return await invoke(self.stub.ApplyChargingProfile, request, self._timeout)

    # Issue 13: firmware.

    async def update_signed_firmware(
        self,
        charge_point_id: str,
        location: str,
        retrieve_at: datetime,
        signing_certificate: str,
        signature: str,
        *,
        install_at: datetime | None = None,
        request_id: int = 0,
        retries: int = 0,
        retry_interval_seconds: int = 0,
    ) -> edge_firmware_pb2.UpdateSignedFirmwareResponse:
        """A signed firmware update (OCPP 2.0.1 L01; 1.6 SignedUpdateFirmware): the
        station's status and the request id to follow in :meth:`firmware_updates`, which
        also shows the request.
        ``signing_certificate`` is PEM, ``signature`` base64; both are checked first."""
        request = edge_firmware_pb2.UpdateSignedFirmwareRequest(
            charge_point_id=charge_point_id,
            location=location,
            retrieve_at=to_timestamp(retrieve_at),
            install_at=to_timestamp(install_at),
            signing_certificate=signing_certificate,
            signature=signature,
            request_id=request_id,
            retries=retries,
            retry_interval_seconds=retry_interval_seconds,
        )
        return await invoke(self.stub.UpdateSignedFirmware, request, self._timeout)

    async def publish_firmware(
        self,
        charge_point_id: str,
        location: str,
        checksum: str,
        *,
        request_id: int = 0,
        retries: int = 0,
        retry_interval_seconds: int = 0,
    ) -> edge_firmware_pb2.PublishFirmwareResponse:
        """OCPP 2.0.1 L03: a Local Controller publishes the firmware (``checksum``: its MD5,
        32 hexadecimal digits) to the stations behind it."""
        request = edge_firmware_pb2.PublishFirmwareRequest(
            charge_point_id=charge_point_id,
            location=location,
            checksum=checksum,
            request_id=request_id,
            retries=retries,
            retry_interval_seconds=retry_interval_seconds,
        )
        return await invoke(self.stub.PublishFirmware, request, self._timeout)

    async def unpublish_firmware(
        self, charge_point_id: str, checksum: str
    ) -> edge_firmware_pb2.UnpublishFirmwareResponse:
        """OCPP 2.0.1 L04: "Unpublished" (the publications of that checksum are marked
        unpublished), "NoFirmware" or "DownloadOngoing"."""
        request = edge_firmware_pb2.UnpublishFirmwareRequest(
            charge_point_id=charge_point_id, checksum=checksum
        )
        return await invoke(self.stub.UnpublishFirmware, request, self._timeout)

    async def firmware_updates(
        self, charge_point_id: str, request_id: int = 0
    ) -> builtins.list[firmware_pb2.FirmwareRequestHistory]:
        """The station's firmware updates, one history per request id, newest first."""
        request = firmware_pb2.ListFirmwareUpdatesRequest(
            charge_point_id=charge_point_id, request_id=request_id
        )
        return list((await invoke(self.stub.ListFirmwareUpdates, request, self._timeout)).updates)

    async def firmware_publications(
        self, charge_point_id: str, request_id: int = 0
    ) -> builtins.list[firmware_pb2.FirmwareRequestHistory]:
        """What the station publishes as a Local Controller, one history per request id."""
        request = firmware_pb2.ListFirmwarePublicationsRequest(
            charge_point_id=charge_point_id, request_id=request_id
        )
        answer = await invoke(self.stub.ListFirmwarePublications, request, self._timeout)
        return list(answer.publications)


class Transactions:
    """transaction_svc: charging sessions and their energy."""

    def __init__(self, stub: TransactionServiceAsyncStub, timeout: float) -> None:
        self.stub, self._timeout = stub, timeout

    async def get(self, transaction_id: int) -> transaction_pb2.Transaction:
        request = transaction_pb2.GetTransactionRequest(id=transaction_id)
        return await invoke(self.stub.GetTransaction, request, self._timeout)

    async def list(
        self,
        page_size: int = 0,
        page_token: str = "",
        charge_point_id: str = "",
        status: TransactionStatus.ValueType = TransactionStatus.STATUS_UNSPECIFIED,
        *,
        id_tag: str = "",
        started_after: datetime | None = None,
        started_before: datetime | None = None,
    ) -> transaction_pb2.ListTransactionsResponse:
        """One page, newest first, of the transactions the filters match (each empty:
        any); started at or after ``started_after`` and before ``started_before`` (aware
        datetimes). ``total_size`` of the answer says how many match."""
        request = transaction_pb2.ListTransactionsRequest(
            page_size=page_size,
            page_token=page_token,
            charge_point_id=charge_point_id,
            status=status,
            id_tag=id_tag,
            started_after=to_timestamp(started_after),
            started_before=to_timestamp(started_before),
        )
        return await invoke(self.stub.ListTransactions, request, self._timeout)

    # Issue 13: stale transactions.

    async def end(
        self, transaction_id: int, reason: str, ended_by: str = ""
    ) -> transaction_pb2.Transaction:
        """Ends a transaction its station never will (stop reason ENDED_BY_CSMS, with the
        reason kept); its id tag is no longer in use. Nothing is sent to the station."""
        request = closure_pb2.EndTransactionRequest(
            id=transaction_id, reason=reason, ended_by=ended_by
        )
        return await invoke(self.stub.EndTransaction, request, self._timeout)


class OrphanReports:
    """transaction_svc: what stations sent for transactions the CSMS could not apply it to
    (a stop or meter values naming an unknown transaction, or another station's), kept for
    an operator to reconcile."""

    def __init__(self, stub: TransactionServiceAsyncStub, timeout: float) -> None:
        self.stub, self._timeout = stub, timeout

    async def get(self, orphan_report_id: int) -> transaction_pb2.OrphanReport:
        request = transaction_pb2.GetOrphanReportRequest(id=orphan_report_id)
        return await invoke(self.stub.GetOrphanReport, request, self._timeout)

    async def list(
        self,
        page_size: int = 0,
        page_token: str = "",
        charge_point_id: str = "",
        unreconciled: bool = False,
    ) -> transaction_pb2.ListOrphanReportsResponse:
        """One page, newest first; ``next_page_token`` of the answer asks for the next."""
        request = transaction_pb2.ListOrphanReportsRequest(
            page_size=page_size,
            page_token=page_token,
            charge_point_id=charge_point_id,
            unreconciled=unreconciled,
        )
        return await invoke(self.stub.ListOrphanReports, request, self._timeout)

    async def reconcile(
        self, orphan_report_id: int, note: str, transaction_id: int = 0
    ) -> transaction_pb2.OrphanReport:
        """Mark it reconciled (once) with a note and, optionally, the transaction it was
        matched to."""
        request = transaction_pb2.ReconcileOrphanReportRequest(
            id=orphan_report_id, note=note, transaction_id=transaction_id
        )
        return await invoke(self.stub.ReconcileOrphanReport, request, self._timeout)


class IdTags:
    """auth_svc: identifiers (OCPP 1.6 idTag, 2.x idToken) and their status."""

    def __init__(self, stub: AuthServiceAsyncStub, timeout: float) -> None:
        self.stub, self._timeout = stub, timeout

    async def create(
        self,
        id_tag: str,
        status: IdTagStatus.ValueType = IdTagStatus.ACCEPTED,
        expires_at: datetime | None = None,
        parent_id_tag: str = "",
        id_token_type: str = "",
    ) -> auth_pb2.IdTag:
        """``id_token_type``: the OCPP 2.x type (e.g. "eMAID"); empty: "ISO14443"."""
        tag = _id_tag(id_tag, status, expires_at, parent_id_tag)
        tag.id_token_type = id_token_type
        request = auth_pb2.CreateIdTagRequest(id_tag=tag)
        return await invoke(self.stub.CreateIdTag, request, self._timeout)

    async def update(
        self,
        id_tag: str,
        status: IdTagStatus.ValueType,
        expires_at: datetime | None = None,
        parent_id_tag: str = "",
        id_token_type: str = "",
    ) -> auth_pb2.IdTag:
        """Replaces status, expiry and parent of a stored identifier, and its id token type
        when one is named (empty keeps it)."""
        tag = _id_tag(id_tag, status, expires_at, parent_id_tag)
        tag.id_token_type = id_token_type
        request = auth_pb2.UpdateIdTagRequest(id_tag=tag)
        return await invoke(self.stub.UpdateIdTag, request, self._timeout)

    async def get(self, id_tag: str) -> auth_pb2.IdTag:
        request = auth_pb2.GetIdTagRequest(id_tag=id_tag)
        return await invoke(self.stub.GetIdTag, request, self._timeout)

    async def list(self, page_size: int = 0, page_token: str = "") -> auth_pb2.ListIdTagsResponse:
        request = auth_pb2.ListIdTagsRequest(page_size=page_size, page_token=page_token)
        return await invoke(self.stub.ListIdTags, request, self._timeout)


def _id_tag(
    id_tag: str, status: IdTagStatus.ValueType, expires_at: datetime | None, parent: str
) -> auth_pb2.IdTag:
    return auth_pb2.IdTag(
        id_tag=id_tag, status=status, expires_at=to_timestamp(expires_at), parent_id_tag=parent
    )

    async def clear(
        self, charge_point_id: str, profile_id: int
    ) -> smart_charging_pb2.ClearStationChargingProfileResponse:
        """ClearChargingProfile of one profile by id; the station holds it no longer."""
        request = smart_charging_pb2.ClearStationChargingProfileRequest(
            charge_point_id=charge_point_id, profile_id=profile_id
        )
        return await invoke(self.stub.ClearStationChargingProfile, request, self._timeout)
