"""The monitoring operations end to end in the edge: the real edge, fake services, a raw
2.0.1 station over websockets; each operation's CALL on the wire and the answer back, the
request id of a report, refusals before sending, and UNIMPLEMENTED for 1.6."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf import json_format

from csms.edge.v1 import monitoring_pb2
from edge.server import RunningEdge
from tests.edge.support.operation_table import request_message
from tests.edge.support.wire_cases import exchange
from tests.support.remote_station import edge_stub, remote_station, remote_station_v2

SETTING = {
    "variable": {"component": "EVSE", "evseId": 1, "variable": "Power"},
    "type": "UPPER_THRESHOLD",
    "value": 11000,
    "severity": 3,
}


async def test_set_then_clear_over_the_wire(edge: RunningEdge) -> None:
    async with remote_station_v2(edge, "CS-OPS") as station, edge_stub(edge) as stub:
        frame, response = await exchange(
            stub,
            station,
            "SetVariableMonitoring",
            {"monitors": [SETTING]},
            {
                "setMonitoringResult": [
                    {
                        "id": 17,
                        "status": "Accepted",
                        "type": "UpperThreshold",
                        "severity": 3,
                        "component": {"name": "EVSE", "evse": {"id": 1}},
                        "variable": {"name": "Power"},
                    }
                ]
            },
        )
        assert frame[2] == "SetVariableMonitoring"
        assert frame[3]["setMonitoringData"][0]["component"] == {"name": "EVSE", "evse": {"id": 1}}
        assert [(r.id, r.status) for r in response.results] == [
            (17, monitoring_pb2.MonitorSettingResult.ACCEPTED)
        ]
        frame, response = await exchange(
            stub,
            station,
            "ClearVariableMonitoring",
            {"ids": [17]},
            {"clearMonitoringResult": [{"id": 17, "status": "Accepted"}]},
        )
        assert frame[2:] == ["ClearVariableMonitoring", {"id": [17]}]
        assert json_format.MessageToDict(response) == {
            "results": [{"id": 17, "status": "ACCEPTED"}]
        }


async def test_level_base_and_a_report_with_its_request_id(edge: RunningEdge) -> None:
    async with remote_station_v2(edge, "CS-OPS") as station, edge_stub(edge) as stub:
        frame, response = await exchange(
            stub, station, "SetMonitoringLevel", {"severity": 4}, {"status": "Accepted"}
        )
        assert frame[2:] == ["SetMonitoringLevel", {"severity": 4}]
        frame, response = await exchange(
            stub, station, "SetMonitoringBase", {"base": "ALL"}, {"status": "Rejected"}
        )
        assert frame[2:] == ["SetMonitoringBase", {"monitoringBase": "All"}]
        assert response.status == monitoring_pb2.DeviceModelStatus.REJECTED
        frame, response = await exchange(
            stub, station, "GetMonitoringReport", {}, {"status": "Accepted"}
        )
        assert frame[2] == "GetMonitoringReport"
        assert response.request_id == frame[3]["requestId"] > 0


async def test_a_bad_request_is_refused_before_sending(edge: RunningEdge) -> None:
    async with remote_station_v2(edge, "CS-OPS") as station, edge_stub(edge) as stub:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.SetMonitoringLevel(
                request_message("SetMonitoringLevel", {"chargePointId": "CS-OPS", "severity": 10})
            )
        assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "severity must be 0 (Danger) to 9 (Debug), got 10" in (raised.value.details() or "")
        # Nothing reached the station: its next exchange is its own.
        assert (await station.call("Heartbeat", {}))[0] == 3


@pytest.mark.parametrize(
    "rpc",
    [
        "SetVariableMonitoring",
        "ClearVariableMonitoring",
        "SetMonitoringBase",
        "SetMonitoringLevel",
        "GetMonitoringReport",
    ],
)
async def test_monitoring_is_unimplemented_in_1_6(edge: RunningEdge, rpc: str) -> None:
    async with remote_station(edge, "CP-16"), edge_stub(edge) as stub:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await getattr(stub, rpc)(request_message(rpc, {"chargePointId": "CP-16"}))
        assert raised.value.code() == grpc.StatusCode.UNIMPLEMENTED
        assert raised.value.details() == f"OCPP 1.6 has no {rpc}"
