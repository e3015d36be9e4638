"""edge.v201.display_messages: a station's MessageInfoType as the API's DisplayMessage, and
the API's words as OCPP's, for every value. Pure."""

from __future__ import annotations

import pytest

from csms.common.v1.display_message_pb2 import DisplayMessage, MessageContent
from edge.v201 import display_messages

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("table", [display_messages.PRIORITY, display_messages.STATE])
def test_every_api_value_has_an_ocpp_word(table: dict[int, str]) -> None:
    enum = DisplayMessage.Priority if table is display_messages.PRIORITY else DisplayMessage.State
    assert set(table) == set(enum.values()) - {0}


def test_a_reported_message_in_ocpp_2_1_words() -> None:
    info = {
        "id": 9,
        "priority": "NormalCycle",
        "state": "Suspended",
        "message": {"format": "QRCODE", "content": "https://pay.example/9"},
    }
    message = display_messages.display_message(info, 0)
    assert (message.priority, message.state) == (
        DisplayMessage.NORMAL_CYCLE,
        DisplayMessage.SUSPENDED,
    )
    assert message.message.format == MessageContent.QR_CODE
    assert not message.HasField("start_time")


def test_a_reported_word_the_api_lacks_is_kept_unspecified() -> None:
    info = {"id": 1, "priority": "Sometimes", "message": {"format": "Morse", "content": "x"}}
    message = display_messages.display_message(info, 0)
    assert (message.priority, message.message.format) == (0, 0)
