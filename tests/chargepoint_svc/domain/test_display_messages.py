"""The OCPP 2.0.1 rules a display message must meet before it is sent (O01)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chargepoint_svc.domain.display_messages import DisplayMessage
from chargepoint_svc.errors import InvalidReport

pytestmark = pytest.mark.unit

AT = datetime(2026, 3, 1, tzinfo=UTC)


def test_a_complete_message_passes() -> None:
    message = DisplayMessage(id=1, priority="IN_FRONT", content="Welcome", language="en")
    assert message.checked() is message


@pytest.mark.parametrize(
    ("message", "named"),
    [
        (DisplayMessage(id=-1, priority="IN_FRONT", content="x"), "message.id"),
        (DisplayMessage(id=1, priority="", content="x"), "message.priority"),
        (DisplayMessage(id=1, priority="IN_FRONT", content=""), "message.message.content"),
        (DisplayMessage(id=1, priority="IN_FRONT", content="x" * 513), "message.message.content"),
        (
            DisplayMessage(id=1, priority="IN_FRONT", content="x", language="x" * 9),
            "message.message.language",
        ),
        (
            DisplayMessage(id=1, priority="IN_FRONT", content="x", start_time=AT, end_time=AT),
            "message.end_time",
        ),
    ],
)
def test_a_message_ocpp_refuses_is_refused_naming_the_field(
    message: DisplayMessage, named: str
) -> None:
    with pytest.raises(InvalidReport, match=named.replace(".", r"\.")):
        message.checked()
