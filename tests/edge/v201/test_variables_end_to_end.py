"""Batched GetVariables / SetVariables (edge.v201.operations.variables) end to end: the real
edge, fake services holding the station's device model, a raw 2.0.1 station over
websockets. The items go in as many CALLs as ItemsPerMessage allows, the answers come back
in request order, what the station read or took is recorded, and a variable the complete
device model lacks is refused before anything is sent."""

from __future__ import annotations

import asyncio

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from csms.chargepoint.v1 import chargepoint_pb2 as cp
from csms.edge.v1 import device_model_pb2 as dm
from edge.server import RunningEdge
from tests.support.fake_services import Fakes
from tests.support.remote_station import edge_stub, remote_station_v2


def _model(items_per_message: str, *, complete: bool) -> cp.DeviceModel:
    """The station's reported model; complete: a report ended (reported_at is set)."""
    return cp.DeviceModel(
        charge_point_id="CS-DM",
        reported_at=Timestamp(seconds=1_700_000_000) if complete else None,
        variables=[
            cp.ReportedVariable(
                component="DeviceDataCtrlr",
                variable="ItemsPerMessage",
                variable_instance="GetVariables",
                value=items_per_message,
            ),
            cp.ReportedVariable(component="AuthCtrlr", variable="Enabled", value="true"),
            cp.ReportedVariable(component="EVSE", evse_id=1, variable="Power", value="11000"),
        ],
    )


def _read(component: str, variable: str, evse_id: int = 0) -> dm.VariableRead:
    return dm.VariableRead(
        component=dm.Component(name=component, evse_id=evse_id),
        variable=dm.Variable(name=variable),
    )


async def test_three_variables_two_per_message_go_in_two_calls(
    edge: RunningEdge, fakes: Fakes
) -> None:
    # Incomplete: the limit holds, but names are not checked (the station answers them).
    fakes.recorder.device_model = _model("2", complete=False)
    wanted = [
        _read("DeviceDataCtrlr", "ItemsPerMessage"),
        _read("AuthCtrlr", "Enabled"),
        _read("EVSE", "Power", evse_id=1),
    ]
    async with remote_station_v2(edge, "CS-DM") as station, edge_stub(edge) as stub:
        pending = asyncio.ensure_future(
            stub.GetVariables(dm.GetVariablesRequest(charge_point_id="CS-DM", variables=wanted))
        )
        first = await station.next_call()
        assert first[2] == "GetVariables"
        asked = first[3]["getVariableData"]
        assert [item["variable"]["name"] for item in asked] == ["ItemsPerMessage", "Enabled"]
        # Answered out of order: the edge puts them back in request order.
        await station.answer(
            first,
            {
                "getVariableResult": [
                    {"attributeStatus": "Accepted", "attributeValue": "true", **asked[1]},
                    {"attributeStatus": "UnknownVariable", **asked[0]},
                ]
            },
        )
        second = await station.next_call()
        (power,) = second[3]["getVariableData"]
        assert power["component"] == {"name": "EVSE", "evse": {"id": 1}}
        await station.answer(
            second,
            {
                "getVariableResult": [
                    {"attributeStatus": "Accepted", "attributeValue": "7", **power}
                ]
            },
        )
        response = await pending
    assert response.messages == 2
    assert [(r.variable.name, r.status, r.value) for r in response.results] == [
        ("ItemsPerMessage", dm.UNKNOWN_VARIABLE, ""),
        ("Enabled", dm.ACCEPTED, "true"),
        ("Power", dm.ACCEPTED, "7"),
    ]
    (recorded,) = fakes.recorder.requests("RecordVariableResults")
    assert [(v.component, v.evse_id, v.variable, v.value) for v in recorded.variables] == [
        ("AuthCtrlr", 0, "Enabled", "true"),
        ("EVSE", 1, "Power", "7"),
    ]


async def test_a_variable_the_complete_model_lacks_is_refused_before_sending(
    edge: RunningEdge, fakes: Fakes
) -> None:
    fakes.recorder.device_model = _model("4", complete=True)
    write = dm.VariableWrite(
        component=dm.Component(name="EVSE", evse_id=2),
        variable=dm.Variable(name="Power"),
        value="1",
    )
    async with remote_station_v2(edge, "CS-DM") as station, edge_stub(edge) as stub:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.SetVariables(
                dm.SetVariablesRequest(charge_point_id="CS-DM", variables=[write])
            )
        assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "'EVSE' on EVSE 2 is not in the device model" in (raised.value.details() or "")
        # Nothing was sent: the next frame the station gets answers its own Heartbeat.
        assert (await station.call("Heartbeat", {}))[0] == 3
    assert not fakes.recorder.requests("RecordVariableResults")


async def test_a_model_that_does_not_say_the_limit_has_the_station_asked_first(
    edge: RunningEdge, fakes: Fakes
) -> None:
    # A report still arriving: nothing of DeviceDataCtrlr yet for SetVariables.
    fakes.recorder.device_model = cp.DeviceModel(charge_point_id="CS-DM")
    writes = [
        dm.VariableWrite(
            component=dm.Component(name="AuthCtrlr"), variable=dm.Variable(name=name), value="1"
        )
        for name in ("Enabled", "LocalPreAuthorize", "OfflineTxForUnknownIdEnabled")
    ]
    async with remote_station_v2(edge, "CS-DM") as station, edge_stub(edge) as stub:
        pending = asyncio.ensure_future(
            stub.SetVariables(dm.SetVariablesRequest(charge_point_id="CS-DM", variables=writes))
        )
        asked = await station.next_call()
        assert asked[2] == "GetVariables"
        assert [
            (item["component"]["name"], item["variable"]["name"], item["variable"]["instance"])
            for item in asked[3]["getVariableData"]
        ] == [
            ("DeviceDataCtrlr", "ItemsPerMessage", "SetVariables"),
            ("DeviceDataCtrlr", "BytesPerMessage", "SetVariables"),
        ]
        items, size = asked[3]["getVariableData"]
        await station.answer(
            asked,
            {
                "getVariableResult": [
                    {"attributeStatus": "Accepted", "attributeValue": "2", **items},
                    {"attributeStatus": "UnknownVariable", **size},
                ]
            },
        )
        sizes = []
        for _ in range(2):
            call = await station.next_call()
            assert call[2] == "SetVariables"
            sent = call[3]["setVariableData"]
            sizes.append(len(sent))
            await station.answer(
                call,
                {
                    "setVariableResult": [
                        {
                            "attributeStatus": "Accepted",
                            "component": item["component"],
                            "variable": item["variable"],
                        }
                        for item in sent
                    ]
                },
            )
        response = await pending
    assert sizes == [2, 1]
    assert response.messages == 2
    assert [r.status for r in response.results] == [dm.ACCEPTED] * 3
