"""edge.v16.operations.signed_firmware: the checks a signed firmware update passes before
it leaves, shared by 1.6 SignedUpdateFirmware and 2.x UpdateFirmware (the fixtures in
support/fixtures/*/operations/signed_firmware.json cover the translation)."""

from __future__ import annotations

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from csms.edge.v1 import firmware_pb2
from edge.operations.errors import InvalidRequest
from edge.v16.operations.signed_firmware import base64_text, firmware
from tests.support.certificates import certificate_pem

pytestmark = pytest.mark.unit


def request(**fields: str) -> firmware_pb2.UpdateSignedFirmwareRequest:
    values = {
        "location": "https://fw.example/v2.bin",
        "signing_certificate": certificate_pem(),
        "signature": "c2lnbmF0dXJl",
        **fields,
    }
    return firmware_pb2.UpdateSignedFirmwareRequest(
        charge_point_id="CP-1",
        retrieve_at=Timestamp(seconds=1_714_564_800),
        location=values["location"],
        signing_certificate=values["signing_certificate"],
        signature=values["signature"],
    )


def test_a_good_request_passes() -> None:
    assert firmware(request())["signature"] == "c2lnbmF0dXJl"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("location", "https://fw.example/" + "x" * 494, "location is 513 characters long"),
        ("signature", "QUFB" * 200 + "QQ==", "signature is 804 characters long"),
        ("signing_certificate", "x" * 5501, "signing_certificate is 5501 characters long"),
    ],
)
def test_fields_longer_than_ocpp_allows_are_refused(field: str, value: str, message: str) -> None:
    with pytest.raises(InvalidRequest, match=message):
        firmware(request(**{field: value}))


@pytest.mark.parametrize("text", ["c2lnbmF0dXJl", "QQ==", "QUI=", "+/+/"])
def test_base64_is_accepted(text: str) -> None:
    assert base64_text(text, "signature") == text


@pytest.mark.parametrize("text", ["QQ", "c2ln bmF0", "not base64!", "QQ==QQ=="])
def test_what_is_not_base64_is_refused(text: str) -> None:
    with pytest.raises(InvalidRequest, match="signature must be base64"):
        base64_text(text, "signature")
