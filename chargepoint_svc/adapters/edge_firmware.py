"""The :class:`~chargepoint_svc.ports.FirmwareStations` port over the edge's EdgeService.

The call itself, its deadline and the edge's errors passed on with their status are
:mod:`servicekit.station_calls`'; here are the requests built from this service's domain.
"""

from __future__ import annotations

import grpc

from chargepoint_svc.domain.firmware import Publication, SignedUpdate
from csms.edge.v1 import firmware_pb2
from servicekit.station_calls import StationCalls
from servicekit.timestamps import to_timestamp


class EdgeFirmwareStations:
    """Sends UpdateSignedFirmware, PublishFirmware and UnpublishFirmware through EdgeService
    with a deadline.
    The channel belongs to the caller (the composition root opens and closes it)."""

    def __init__(self, channel: grpc.aio.Channel, timeout: float) -> None:
        self._calls = StationCalls(channel, timeout)

    async def update_signed_firmware(self, update: SignedUpdate) -> tuple[str, int]:
        request = firmware_pb2.UpdateSignedFirmwareRequest(
            charge_point_id=update.charge_point_id,
            location=update.location,
            retrieve_at=to_timestamp(update.retrieve_at),
            install_at=to_timestamp(update.install_at),
            signing_certificate=update.signing_certificate,
            signature=update.signature,
            retries=update.retries,
            retry_interval_seconds=update.retry_interval_seconds,
            request_id=update.request_id,
        )
        response = await self._calls.call(self._calls.edge.UpdateSignedFirmware, request)
        return response.status, response.request_id

    async def publish_firmware(self, publication: Publication) -> tuple[str, int]:
        request = firmware_pb2.PublishFirmwareRequest(
            charge_point_id=publication.charge_point_id,
            location=publication.location,
            checksum=publication.checksum,
            request_id=publication.request_id,
            retries=publication.retries,
            retry_interval_seconds=publication.retry_interval_seconds,
        )
        response = await self._calls.call(self._calls.edge.PublishFirmware, request)
        return response.status, response.request_id

    async def unpublish_firmware(self, charge_point_id: str, checksum: str) -> str:
        request = firmware_pb2.UnpublishFirmwareRequest(
            charge_point_id=charge_point_id, checksum=checksum
        )
        response = await self._calls.call(self._calls.edge.UnpublishFirmware, request)
        return response.status
