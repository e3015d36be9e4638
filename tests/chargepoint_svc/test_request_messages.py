"""chargepoint_svc.request_messages: protobuf to domain and back, and the request checks
that name the field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chargepoint_svc.domain.display_messages import DisplayMessage
from chargepoint_svc.errors import InvalidReport
from chargepoint_svc.request_messages import (
    customer_details_from_proto,
    display_message_from_proto,
    display_message_to_proto,
    log_details_from_proto,
)
from csms.chargepoint.v1 import logs_and_display_pb2 as pb
from servicekit.timestamps import to_timestamp

pytestmark = pytest.mark.unit

T0 = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "message",
    [
        DisplayMessage(id=1, priority="IN_FRONT", content="Hi"),
        DisplayMessage(
            id=2,
            priority="ALWAYS_FRONT",
            content="<b>x</b>",
            format="HTML",
            language="en",
            state="FAULTED",
            start_time=T0,
            end_time=T0.replace(day=2),
            transaction_id="tx-1",
            display_component="Display",
            display_component_instance="front",
        ),
    ],
)
def test_a_display_message_survives_the_round_trip(message: DisplayMessage) -> None:
    assert display_message_from_proto(display_message_to_proto(message)) == message


def test_log_details_default_to_the_diagnostics_log() -> None:
    request = pb.RequestLogRequest(location="ftp://x/", start_time=to_timestamp(T0))
    assert log_details_from_proto(request) == {
        "location": "ftp://x/",
        "log_type": "DIAGNOSTICS",
        "retries": 0,
        "retry_interval_seconds": 0,
        "start_time": T0.isoformat(),
        "stop_time": None,
    }


@pytest.mark.parametrize(
    ("request_fields", "named"),
    [
        ({"report": True}, "exactly one of customer_identifier, id_token"),
        ({"id_token": "T"}, "report or clear"),
        (
            {
                "report": True,
                "customer_certificate": pb.CustomerCertificate(
                    hash_algorithm="MD5", serial_number="01"
                ),
            },
            "customer_certificate.hash_algorithm",
        ),
        ({"report": True, "customer_identifier": "c" * 65}, "customer_identifier is 65"),
    ],
)
def test_customer_requests_ocpp_refuses_name_the_field(
    request_fields: dict[str, object], named: str
) -> None:
    request = pb.RequestCustomerInformationRequest(charge_point_id="CP", **request_fields)  # type: ignore[arg-type]
    with pytest.raises(InvalidReport, match=named):
        customer_details_from_proto(request)


def test_the_token_type_is_kept_only_with_a_token() -> None:
    request = pb.RequestCustomerInformationRequest(
        clear=True, customer_identifier="c", id_token_type="eMAID"
    )
    assert customer_details_from_proto(request)["id_token_type"] == ""
