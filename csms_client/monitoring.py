"""Monitoring (OCPP 2.x N02-N07): the monitors stations keep on their variables, the
events they raise, and the station calls about them.

Setting and clearing monitors go through the charge point service, which keeps what the
station accepted (``ListMonitors``); level, base and reports go to the station through the
edge. Errors are those of :mod:`csms_client.edge`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from csms.chargepoint.v1 import chargepoint_pb2, monitoring_pb2
from csms.edge.v1 import monitoring_pb2 as edge_monitoring
from csms_client.errors import invoke
from csms_client.moments import to_timestamp

if TYPE_CHECKING:
    from csms.chargepoint.v1.chargepoint_pb2_grpc import ChargePointServiceAsyncStub
    from csms.edge.v1.edge_pb2_grpc import EdgeServiceAsyncStub

MonitorSetting = edge_monitoring.MonitorSetting
MonitoredVariable = edge_monitoring.MonitoredVariable


class Monitoring:
    def __init__(
        self,
        edge: EdgeServiceAsyncStub,
        charge_points: ChargePointServiceAsyncStub,
        timeout: float,
    ) -> None:
        self._edge, self._charge_points, self._timeout = edge, charge_points, timeout

    async def set_monitors(
        self, charge_point_id: str, monitors: Iterable[MonitorSetting]
    ) -> edge_monitoring.SetVariableMonitoringResponse:
        """N04: one result per monitor, in order, with the id the station gave each it
        accepted; those are kept (see :meth:`monitors`)."""
        request = edge_monitoring.SetVariableMonitoringRequest(
            charge_point_id=charge_point_id, monitors=list(monitors)
        )
        return await invoke(self._charge_points.SetVariableMonitoring, request, self._timeout)

    async def clear_monitors(
        self, charge_point_id: str, ids: Iterable[int]
    ) -> edge_monitoring.ClearVariableMonitoringResponse:
        """N06: one result per id; cleared (and not found) monitors are forgotten."""
        request = edge_monitoring.ClearVariableMonitoringRequest(
            charge_point_id=charge_point_id, ids=list(ids)
        )
        return await invoke(self._charge_points.ClearVariableMonitoring, request, self._timeout)

    async def monitors(
        self,
        charge_point_id: str,
        *,
        component: str = "",
        variable: str = "",
        page_size: int = 0,
        page_token: str = "",
    ) -> monitoring_pb2.ListMonitorsResponse:
        """The station's monitors as last reported or set, by id."""
        request = monitoring_pb2.ListMonitorsRequest(
            charge_point_id=charge_point_id,
            component=component,
            variable=variable,
            page_size=page_size,
            page_token=page_token,
        )
        return await invoke(self._charge_points.ListMonitors, request, self._timeout)

    async def events(
        self,
        charge_point_id: str,
        *,
        trigger: str = "",
        component: str = "",
        variable: str = "",
        max_severity: int | None = None,
        cleared: bool | None = None,
        variable_monitoring_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        page_size: int = 0,
        page_token: str = "",
    ) -> chargepoint_pb2.ListEventsResponse:
        """NotifyEvent events, newest first, of those the filters select."""
        request = chargepoint_pb2.ListEventsRequest(
            charge_point_id=charge_point_id,
            trigger=trigger,
            component=component,
            variable=variable,
            max_severity=max_severity,
            cleared=cleared,
            variable_monitoring_id=variable_monitoring_id,
            page_size=page_size,
            page_token=page_token,
            from_time=to_timestamp(since),
            to_time=to_timestamp(until),
        )
        return await invoke(self._charge_points.ListEvents, request, self._timeout)

    async def set_base(
        self,
        charge_point_id: str,
        base: edge_monitoring.SetMonitoringBaseRequest.Base.ValueType,
    ) -> edge_monitoring.SetMonitoringBaseResponse:
        """N03: ALL, FACTORY_DEFAULT or HARD_WIRED_ONLY."""
        request = edge_monitoring.SetMonitoringBaseRequest(
            charge_point_id=charge_point_id, base=base
        )
        return await invoke(self._edge.SetMonitoringBase, request, self._timeout)

    async def set_level(
        self, charge_point_id: str, severity: int
    ) -> edge_monitoring.SetMonitoringLevelResponse:
        """N05: the station reports events of this severity (0-9) or a more severe one."""
        request = edge_monitoring.SetMonitoringLevelRequest(
            charge_point_id=charge_point_id, severity=severity
        )
        return await invoke(self._edge.SetMonitoringLevel, request, self._timeout)

    async def request_report(
        self,
        charge_point_id: str,
        criteria: Iterable[edge_monitoring.GetMonitoringReportRequest.Criterion.ValueType] = (),
        component_variables: Iterable[MonitoredVariable] = (),
    ) -> edge_monitoring.GetMonitoringReportResponse:
        """N02: the station then sends its monitors, which replace those kept."""
        request = edge_monitoring.GetMonitoringReportRequest(
            charge_point_id=charge_point_id,
            criteria=list(criteria),
            component_variables=list(component_variables),
        )
        return await invoke(self._edge.GetMonitoringReport, request, self._timeout)
