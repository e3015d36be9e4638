"""Reading and writing a 2.0.1 station's variables as an operator does: REST through Envoy
-> edge -> `csms-sim 2.0.1 --stay`, which takes at most 4 items per GetVariables or
SetVariables (DeviceDataCtrlr.ItemsPerMessage): the edge splits ten into three messages,
seen in the message journal, and the device model shows what was read and set."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import grpc
import httpx
import pytest

from csms.edge.v1 import device_model_pb2 as dm
from csms_client import CsmsClient, CsmsError
from tests.support.system import System
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

STATION = "DM-1"

# (component, EVSE, variable, attribute type, value to set, status the station answers)
TEN = [
    ("OCPPCommCtrlr", 0, "ResetRetries", "ACTUAL", "3", "ACCEPTED"),
    ("SampledDataCtrlr", 0, "TxUpdatedInterval", "ACTUAL", "15", "ACCEPTED"),
    ("TxCtrlr", 0, "EVConnectionTimeOut", "ACTUAL", "90", "ACCEPTED"),
    ("AuthCtrlr", 0, "LocalPreAuthorize", "ACTUAL", "true", "ACCEPTED"),
    # ReadOnly: the station refuses the write (B05).
    ("LocalAuthListCtrlr", 0, "Entries", "ACTUAL", "5", "REJECTED"),
    # Not a boolean.
    ("AuthCtrlr", 0, "AuthorizeRemoteStart", "ACTUAL", "maybe", "REJECTED"),
    ("EVSE", 1, "Power", "MAX_SET", "7000", "NOT_SUPPORTED_ATTRIBUTE_TYPE"),
    ("OCPPCommCtrlr", 0, "WebSocketPingInterval", "ACTUAL", "30", "ACCEPTED"),
    ("AuthCacheCtrlr", 0, "Enabled", "ACTUAL", "false", "ACCEPTED"),
    ("TxCtrlr", 0, "StopTxOnInvalidId", "ACTUAL", "false", "ACCEPTED"),
]


@pytest.fixture(scope="module")
def station(system: System) -> Iterator[subprocess.Popen[bytes]]:
    sim_log = system.output.parent / "sim-variables.log"
    log = sim_log.open("wb")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "simulator.cli", STATION, "2.0.1", system.ocpp_url),
            *("--stay", "--interval", "0.2", "--meter-values", "1"),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    eventually(
        lambda: "staying connected" in sim_log.read_text(), within=60, what=f"{STATION} to settle"
    )
    # A complete base report: the edge then knows every component and variable.
    asked = _post(system, "report", {"base": "FULL_INVENTORY"})
    assert asked.status_code == 200, asked.text
    eventually(lambda: "reportedAt" in _device_model(system), within=30, what="the base report")
    yield process
    process.terminate()
    process.wait(10)
    log.close()


def _device_model(system: System) -> dict[str, Any]:
    reply = httpx.get(f"{system.api_gateway}/api/v1/charge-points/{STATION}/device-model")
    return dict(reply.json())


def _post(system: System, path: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(
        f"{system.api_gateway}/api/v1/charge-points/{STATION}/{path}", json=body, timeout=40
    )


def _item(component: str, evse: int, variable: str, attribute: str) -> dict[str, Any]:
    return {
        "component": {"name": component, "evseId": evse},
        "variable": {"name": variable},
        "attributeType": attribute,
    }


def _calls(system: System, action: str) -> list[dict[str, Any]]:
    reply = httpx.get(
        f"{system.api_gateway}/api/v1/charge-points/{STATION}/messages",
        params={"actions": action, "pageSize": 100},
    )
    return [
        m
        for m in reply.json().get("messages", [])
        if m["direction"] == "OUT" and m["messageType"] == "CALL"
    ]


def _stored(system: System, component: str, variable: str) -> dict[str, Any]:
    (found,) = [
        v
        for v in _device_model(system)["variables"]
        if (v["component"], v["variable"], v.get("attributeType"))
        == (component, variable, "Actual")
    ]
    return dict(found)


def test_ten_variables_are_set_in_three_messages_and_stored(system: System, station: Any) -> None:
    body = {
        "variables": [
            {**_item(c, evse, v, attribute), "value": value}
            for c, evse, v, attribute, value, _ in TEN
        ]
    }
    reply = _post(system, "variables/set", body)
    assert reply.status_code == 200, reply.text
    answer = reply.json()
    assert answer["messages"] == 3
    assert [(r["variable"]["name"], r["status"]) for r in answer["results"]] == [
        (v, status) for _, _, v, _, _, status in TEN
    ]
    reasons = [answer["results"][i].get("reasonCode") for i in (4, 5)]
    assert reasons == ["ReadOnly", "InvalidValue"]
    evse = answer["results"][6]["component"]
    assert (evse["name"], evse["evseId"]) == ("EVSE", 1)
    eventually(lambda: len(_calls(system, "SetVariables")) == 3, what="three SetVariables")

    # Taken values are the device model's now; what the station reported about them stays.
    retries = _stored(system, "OCPPCommCtrlr", "ResetRetries")
    assert (retries["value"], retries["mutability"]) == ("3", "ReadWrite")
    assert _stored(system, "LocalAuthListCtrlr", "Entries")["value"] == "100"


def test_ten_variables_are_read_in_three_messages_in_order(system: System, station: Any) -> None:
    before = len(_calls(system, "GetVariables"))
    body = {"variables": [_item(c, evse, v, "ACTUAL") for c, evse, v, _, _, _ in TEN]}
    reply = _post(system, "variables/get", body)
    assert reply.status_code == 200, reply.text
    answer = reply.json()
    assert answer["messages"] == 3
    values = [(r["variable"]["name"], r["status"], r.get("value")) for r in answer["results"]]
    assert values[:5] == [
        ("ResetRetries", "ACCEPTED", "3"),
        ("TxUpdatedInterval", "ACCEPTED", "15"),
        ("EVConnectionTimeOut", "ACCEPTED", "90"),
        ("LocalPreAuthorize", "ACCEPTED", "true"),
        ("Entries", "ACCEPTED", "100"),
    ]
    assert values[6] == ("Power", "ACCEPTED", "11000")
    eventually(lambda: len(_calls(system, "GetVariables")) == before + 3, what="three GetVariables")


@pytest.mark.parametrize(
    ("item", "needle"),
    [
        (
            _item("NoSuchCtrlr", 0, "Enabled", "ACTUAL"),
            "variables[0].component 'NoSuchCtrlr' is not in the device model",
        ),
        (
            _item("AuthCtrlr", 0, "NoSuchVariable", "ACTUAL"),
            "variables[0].variable 'NoSuchVariable' is not a variable of 'AuthCtrlr'",
        ),
        (_item("AuthCtrlr", 0, "x" * 51, "ACTUAL"), "variables[0].variable.name is 51 characters"),
        (
            {"component": {"name": "Connector", "connectorId": 1}, "variable": {"name": "X"}},
            "variables[0].component.connector_id needs variables[0].component.evse_id",
        ),
        (
            {"component": {"name": "EVSE", "evseId": -2}, "variable": {"name": "Power"}},
            "must be 0 (none) or more, got -2/0",
        ),
    ],
)
def test_bad_variables_are_refused_before_anything_is_sent(
    system: System, station: Any, item: dict[str, Any], needle: str
) -> None:
    for path in ("variables/get", "variables/set"):
        reply = _post(system, path, {"variables": [item]})
        assert reply.status_code == 400, reply.text
        assert needle in reply.text, reply.text


def test_an_empty_request_and_an_unknown_attribute_type_are_refused(
    system: System, station: Any
) -> None:
    empty = _post(system, "variables/get", {"variables": []})
    assert empty.status_code == 400
    assert "variables must name at least one variable" in empty.text
    wrong = _post(
        system,
        "variables/get",
        {"variables": [{**_item("AuthCtrlr", 0, "Enabled", "ACTUAL"), "attributeType": "MINIMAL"}]},
    )
    assert wrong.status_code == 400, wrong.text


async def test_the_python_sdk_reads_and_writes_variables(system: System, station: Any) -> None:
    def address(variable: str) -> str:
        return f"127.0.0.1:{system.port(variable)}"

    component = dm.Component(name="OCPPCommCtrlr")
    async with CsmsClient(
        edge=address("CSMS_EDGE_GRPC_PORT"),
        chargepoint=address("CSMS_CHARGEPOINT_GRPC_PORT"),
        transaction=address("CSMS_TRANSACTION_GRPC_PORT"),
        auth=address("CSMS_AUTH_GRPC_PORT"),
    ) as csms:
        written = await csms.edge.set_variables(
            STATION,
            [
                dm.VariableWrite(
                    component=component, variable=dm.Variable(name="ResetRetries"), value="5"
                )
            ],
        )
        assert [r.status for r in written.results] == [dm.ACCEPTED]
        read = await csms.edge.get_variables(
            STATION,
            [dm.VariableRead(component=component, variable=dm.Variable(name="ResetRetries"))],
        )
        assert [(r.status, r.value) for r in read.results] == [(dm.ACCEPTED, "5")]
        with pytest.raises(CsmsError) as refused:
            await csms.edge.get_variables(STATION, [])
        assert refused.value.code == grpc.StatusCode.INVALID_ARGUMENT


def test_a_2_1_station_is_split_alike(system: System) -> None:
    sim_log = system.output.parent / "sim-variables-21.log"
    with sim_log.open("wb") as log:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "simulator.cli", "DM-21", "2.1", system.ocpp_url),
                *("--stay", "--interval", "0.2", "--meter-values", "1", "--id-tag", "TAG-DM-21"),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            httpx.post(f"{system.api_gateway}/api/v1/id-tags", json={"idTag": "TAG-DM-21"})
            eventually(lambda: "staying connected" in sim_log.read_text(), within=60)
            api = f"{system.api_gateway}/api/v1/charge-points/DM-21"
            # Its limits come from its device model: until it reports one, the edge does
            # not know them (and the station answers items past them TooManyElements).
            asked = httpx.post(f"{api}/report", json={"base": "FULL_INVENTORY"}, timeout=40)
            assert asked.status_code == 200, asked.text
            eventually(lambda: "reportedAt" in httpx.get(f"{api}/device-model").json())
            names = ["HeartbeatInterval", "WebSocketPingInterval", "ResetRetries"]
            body = {"variables": [_item("OCPPCommCtrlr", 0, n, "ACTUAL") for n in names * 2][:5]}
            body["variables"][3] = _item("TxCtrlr", 0, "EVConnectionTimeOut", "ACTUAL")
            body["variables"][4] = _item("AuthCtrlr", 0, "LocalPreAuthorize", "ACTUAL")
            reply = httpx.post(f"{api}/variables/get", json=body, timeout=40)
            assert reply.status_code == 200, reply.text
            assert reply.json()["messages"] == 2
            assert {r["status"] for r in reply.json()["results"]} == {"ACCEPTED"}
        finally:
            process.terminate()
            process.wait(10)
