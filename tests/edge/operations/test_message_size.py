"""The size check of the CALLs the CSMS sends (edge.operations.message_size): pure, table-tested."""

from __future__ import annotations

import json

import pytest

from edge.operations import message_size
from edge.operations.errors import InvalidRequest

pytestmark = pytest.mark.unit


DEVICE_DATA = "DeviceDataCtrlr"


def test_the_frame_is_measured_as_the_library_sends_it() -> None:
    payload = {"vendorId": "é", "data": "x"}
    sent = json.dumps([2, "u" * 36, "DataTransfer", payload], separators=(",", ":"))
    assert message_size.frame_bytes("DataTransfer", payload) == len(sent) == 90  # é: \\u00e9


@pytest.mark.parametrize(
    ("action", "variables", "expected"),
    [
        ("DataTransfer", [], (4096, "CSMS_MAX_MESSAGE_BYTES=4096", None)),
        # Only the instance of the action counts, and only DeviceDataCtrlr's.
        (
            "SetVariables",
            [
                (DEVICE_DATA, "BytesPerMessage", "SetVariables", "1000"),
                (DEVICE_DATA, "BytesPerMessage", "GetVariables", "10"),
                ("Other", "ItemsPerMessage", "SetVariables", "1"),
                (DEVICE_DATA, "ItemsPerMessage", "SetVariables", "5"),
            ],
            (1000, "DeviceDataCtrlr.BytesPerMessage[SetVariables]=1000", 5),
        ),
        # Never above CSMS_MAX_MESSAGE_BYTES; junk and zero are no limit.
        ("GetReport", [(DEVICE_DATA, "BytesPerMessage", "GetReport", "99999")], (4096, "", None)),
        ("GetReport", [(DEVICE_DATA, "ItemsPerMessage", "GetReport", "many")], (4096, "", None)),
        ("GetVariables", [(DEVICE_DATA, "ItemsPerMessage", "GetVariables", "0")], (4096, "", None)),
        # Monitoring requests are limited by MonitoringCtrlr's variables, not DeviceDataCtrlr's.
        (
            "SetVariableMonitoring",
            [
                (DEVICE_DATA, "ItemsPerMessage", "SetVariableMonitoring", "1"),
                ("MonitoringCtrlr", "ItemsPerMessage", "SetVariableMonitoring", "4"),
                ("MonitoringCtrlr", "BytesPerMessage", "SetVariableMonitoring", "2000"),
                ("MonitoringCtrlr", "ItemsPerMessage", "ClearVariableMonitoring", "2"),
            ],
            (2000, "MonitoringCtrlr.BytesPerMessage[SetVariableMonitoring]=2000", 4),
        ),
        (
            "ClearVariableMonitoring",
            [("MonitoringCtrlr", "ItemsPerMessage", "ClearVariableMonitoring", "2")],
            (4096, "", 2),
        ),
        # DataTransfer is not limited by the device model.
        (
            "DataTransfer",
            [(DEVICE_DATA, "BytesPerMessage", "DataTransfer", "10")],
            (4096, "", None),
        ),
    ],
)
def test_the_limit_of_an_action(
    action: str, variables: list[tuple[str, str, str, str]], expected: tuple[int, str, int | None]
) -> None:
    limit = message_size.message_limit(action, variables, 4096)
    assert limit.max_bytes == expected[0]
    assert expected[1] in limit.bytes_source
    assert limit.max_items == expected[2]


def test_a_call_over_the_limit_is_refused_naming_it() -> None:
    limit = message_size.MessageLimit(100, "CSMS_MAX_MESSAGE_BYTES=100", 1, "Items=1")
    message_size.check_message_size(limit, "CP", "SetVariables", {"setVariableData": [{}]})
    with pytest.raises(InvalidRequest, match=r"2 setVariableData items; .* at most 1 \(Items=1\)"):
        message_size.check_message_size(limit, "CP", "SetVariables", {"setVariableData": [{}, {}]})
    with pytest.raises(InvalidRequest, match=r"at most 100 bytes .*CSMS_MAX_MESSAGE_BYTES=100"):
        message_size.check_message_size(limit, "CP", "DataTransfer", {"data": "x" * 100})


def test_a_clear_of_more_ids_than_the_station_takes_is_refused() -> None:
    limit = message_size.message_limit(
        "ClearVariableMonitoring",
        [("MonitoringCtrlr", "ItemsPerMessage", "ClearVariableMonitoring", "2")],
        4096,
    )
    message_size.check_message_size(limit, "CP", "ClearVariableMonitoring", {"id": [1, 2]})
    with pytest.raises(
        InvalidRequest, match=r"3 id items; .*ItemsPerMessage\[ClearVariableMonitoring\]=2"
    ):
        message_size.check_message_size(limit, "CP", "ClearVariableMonitoring", {"id": [1, 2, 3]})
