"""The gRPC methods of ChargePointService about smart charging (OCPP 2.0.1 K, issue 13):
what stations report they hold and what limits them, ISO 15118 charging needs, and the
operator's library of charging profiles; mixed into
:class:`chargepoint_svc.servicer.ChargePointServicer`. Translation only, as the rest of
the servicer."""

from __future__ import annotations

from typing import Any

import grpc

from chargepoint_svc.charging_messages import (
    ev_schedule_from_proto,
    held_profile_to_proto,
    library_profile_from_proto,
    library_profile_to_proto,
    limit_from_proto,
    limit_to_proto,
    needs_from_proto,
    needs_to_proto,
    profiles_from_proto,
    schedule_to_proto,
    source_from_proto,
)
from chargepoint_svc.use_cases.profile_library import ProfileLibrary
from chargepoint_svc.use_cases.smart_charging import SmartChargingUseCases
from csms.chargepoint.v1 import smart_charging_pb2 as charging_pb2
from servicekit.pagination import PageRequest

Context = grpc.aio.ServicerContext[Any, Any]


class SmartChargingRpcs:
    _charging: SmartChargingUseCases
    _library: ProfileLibrary

    async def RecordChargingProfiles(
        self, request: charging_pb2.RecordChargingProfilesRequest, context: Context
    ) -> charging_pb2.RecordChargingProfilesResponse:
        drafts = profiles_from_proto(request)
        await self._charging.record_profiles(request.charge_point_id, drafts)
        return charging_pb2.RecordChargingProfilesResponse()

    async def RecordChargingLimit(
        self, request: charging_pb2.RecordChargingLimitRequest, context: Context
    ) -> charging_pb2.RecordChargingLimitResponse:
        await self._charging.record_limit(request.charge_point_id, limit_from_proto(request))
        return charging_pb2.RecordChargingLimitResponse()

    async def RecordClearedChargingLimit(
        self, request: charging_pb2.RecordClearedChargingLimitRequest, context: Context
    ) -> charging_pb2.RecordClearedChargingLimitResponse:
        source = source_from_proto(request.source)
        evse_id = request.evse_id if request.evse_id > 0 else None
        await self._charging.record_cleared_limit(request.charge_point_id, source, evse_id)
        return charging_pb2.RecordClearedChargingLimitResponse()

    async def RecordEVChargingNeeds(
        self, request: charging_pb2.RecordEVChargingNeedsRequest, context: Context
    ) -> charging_pb2.RecordEVChargingNeedsResponse:
        schedule = await self._charging.record_needs(
            request.charge_point_id, needs_from_proto(request)
        )
        return charging_pb2.RecordEVChargingNeedsResponse(schedule=schedule_to_proto(schedule))

    async def RecordEVChargingSchedule(
        self, request: charging_pb2.RecordEVChargingScheduleRequest, context: Context
    ) -> charging_pb2.RecordEVChargingScheduleResponse:
        schedule = ev_schedule_from_proto(request, self._charging.now())
        accepted = await self._charging.record_ev_schedule(request.charge_point_id, schedule)
        return charging_pb2.RecordEVChargingScheduleResponse(accepted=accepted)

    async def ListStationChargingProfiles(
        self, request: charging_pb2.ListStationChargingProfilesRequest, context: Context
    ) -> charging_pb2.ListStationChargingProfilesResponse:
        held = await self._charging.profiles(request.charge_point_id)
        return charging_pb2.ListStationChargingProfilesResponse(
            profiles=[held_profile_to_proto(profile) for profile in held]
        )

    async def ListChargingLimits(
        self, request: charging_pb2.ListChargingLimitsRequest, context: Context
    ) -> charging_pb2.ListChargingLimitsResponse:
        limits = await self._charging.limits(request.charge_point_id)
        return charging_pb2.ListChargingLimitsResponse(
            limits=[limit_to_proto(limit) for limit in limits]
        )

    async def ListEVChargingNeeds(
        self, request: charging_pb2.ListEVChargingNeedsRequest, context: Context
    ) -> charging_pb2.ListEVChargingNeedsResponse:
        records = await self._charging.needs(request.charge_point_id)
        return charging_pb2.ListEVChargingNeedsResponse(
            needs=[needs_to_proto(record) for record in records]
        )

    async def CreateLibraryChargingProfile(
        self, request: charging_pb2.CreateLibraryChargingProfileRequest, context: Context
    ) -> charging_pb2.LibraryChargingProfile:
        profile_id, document = library_profile_from_proto(request)
        created = await self._library.create(request.name, profile_id, document)
        return library_profile_to_proto(created)

    async def GetLibraryChargingProfile(
        self, request: charging_pb2.GetLibraryChargingProfileRequest, context: Context
    ) -> charging_pb2.LibraryChargingProfile:
        return library_profile_to_proto(await self._library.get(request.name))

    async def ListLibraryChargingProfiles(
        self, request: charging_pb2.ListLibraryChargingProfilesRequest, context: Context
    ) -> charging_pb2.ListLibraryChargingProfilesResponse:
        page = await self._library.list(PageRequest.parse(request.page_size, request.page_token))
        return charging_pb2.ListLibraryChargingProfilesResponse(
            profiles=[library_profile_to_proto(profile) for profile in page.profiles],
            next_page_token=page.next_page_token,
        )

    async def DeleteLibraryChargingProfile(
        self, request: charging_pb2.DeleteLibraryChargingProfileRequest, context: Context
    ) -> charging_pb2.DeleteLibraryChargingProfileResponse:
        await self._library.delete(request.name)
        return charging_pb2.DeleteLibraryChargingProfileResponse()

    async def ApplyChargingProfile(
        self, request: charging_pb2.ApplyChargingProfileRequest, context: Context
    ) -> charging_pb2.ApplyChargingProfileResponse:
        status = await self._library.apply(
            request.charge_point_id, request.name, request.evse_id, request.transaction_id
        )
        return charging_pb2.ApplyChargingProfileResponse(
            status=charging_pb2.ApplyChargingProfileResponse.Status.Value(status)
        )

    async def SetStationSiteLimit(
        self, request: charging_pb2.StationSiteLimit, context: Context
    ) -> charging_pb2.StationSiteLimit:
        limit = await self._charging.set_site_limit(request.charge_point_id, request.max_power_w)
        return charging_pb2.StationSiteLimit(
            charge_point_id=request.charge_point_id, max_power_w=limit or 0.0
        )

    async def GetStationSiteLimit(
        self, request: charging_pb2.GetStationSiteLimitRequest, context: Context
    ) -> charging_pb2.StationSiteLimit:
        limit = await self._charging.site_limit(request.charge_point_id)
        return charging_pb2.StationSiteLimit(
            charge_point_id=request.charge_point_id, max_power_w=limit or 0.0
        )

    async def ClearStationChargingProfile(
        self, request: charging_pb2.ClearStationChargingProfileRequest, context: Context
    ) -> charging_pb2.ClearStationChargingProfileResponse:
        status = await self._library.clear(request.charge_point_id, request.profile_id)
        return charging_pb2.ClearStationChargingProfileResponse(
            status=charging_pb2.ClearStationChargingProfileResponse.Status.Value(status)
        )
