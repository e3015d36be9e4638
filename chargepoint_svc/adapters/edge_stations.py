"""The :class:`~chargepoint_svc.ports.Stations` port over the edge's EdgeService (ADR
0005): the call, its deadline and the edge's errors are :mod:`servicekit.station_calls`';
here is what an answer means to chargepoint_svc."""

from __future__ import annotations

import logging

import grpc

from chargepoint_svc.domain.registration import BootOutcome
from csms.edge.v1 import operations_pb2
from servicekit.edge_errors import StationNotConnected
from servicekit.errors import ServiceError
from servicekit.station_calls import StationCalls

LOG = logging.getLogger(__name__)

_Trigger = operations_pb2.TriggerMessageRequest


class EdgeStations:
    """Sends TriggerMessage through EdgeService with a deadline. The channel belongs to
    the caller (the composition root opens and closes it)."""

    def __init__(self, channel: grpc.aio.Channel, timeout: float) -> None:
        self._calls = StationCalls(channel, timeout)

    async def trigger_boot(self, charge_point_id: str) -> BootOutcome:
        """The registration is stored already and the station gets it at its next boot
        anyway, so a failure here is an outcome, not the operator's error: not connected,
        or not triggered (refused, no answer in time, the edge unreachable; logged)."""
        request = _Trigger(
            charge_point_id=charge_point_id, requested_message=_Trigger.BOOT_NOTIFICATION
        )
        try:
            response = await self._calls.call(self._calls.edge.TriggerMessage, request)
        except StationNotConnected:
            return BootOutcome.NOT_CONNECTED
        except ServiceError as error:
            LOG.warning(
                "charge point %s: TriggerMessage BootNotification failed: %s",
                charge_point_id,
                error,
            )
            return BootOutcome.NOT_TRIGGERED
        if response.status == operations_pb2.TriggerMessageResponse.ACCEPTED:
            return BootOutcome.TRIGGERED
        return BootOutcome.NOT_TRIGGERED
