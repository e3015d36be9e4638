"""auth_svc.messages: the protobuf translation, without a server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from auth_svc.domain.id_tag import AuthorizationStatus, IdTag, IdTokenInfo, Purpose
from auth_svc.errors import InvalidRequest
from auth_svc.messages import (
    fields_from_proto,
    id_tag_to_proto,
    id_token_info_to_proto,
    purpose_from_proto,
    status_from_proto,
)
from csms.auth.v1 import auth_pb2
from servicekit.timestamps import to_timestamp

pytestmark = pytest.mark.unit


NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
Status = auth_pb2.IdTokenInfo.Status
RequestPurpose = auth_pb2.AuthorizeRequest.Purpose


def test_every_proto_status_has_a_domain_twin() -> None:
    for name, number in Status.items():
        if number != Status.STATUS_UNSPECIFIED:
            assert status_from_proto(number).name == name


def test_unspecified_status_means_accepted_and_unknown_numbers_are_refused() -> None:
    assert status_from_proto(Status.STATUS_UNSPECIFIED) is AuthorizationStatus.ACCEPTED
    with pytest.raises(InvalidRequest, match="status 99 is not an authorization status"):
        status_from_proto(99)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "purpose"),
    [
        (RequestPurpose.PURPOSE_UNSPECIFIED, Purpose.AUTHORIZE),
        (RequestPurpose.AUTHORIZE, Purpose.AUTHORIZE),
        (RequestPurpose.START_TRANSACTION, Purpose.START_TRANSACTION),
        (RequestPurpose.STOP_TRANSACTION, Purpose.STOP_TRANSACTION),
    ],
)
def test_purpose(value: auth_pb2.AuthorizeRequest.Purpose.ValueType, purpose: Purpose) -> None:
    assert purpose_from_proto(value) is purpose


def test_unknown_purpose_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="purpose 7 is not one of AUTHORIZE"):
        purpose_from_proto(7)  # type: ignore[arg-type]


def test_fields_treat_unset_as_absent() -> None:
    fields = fields_from_proto(auth_pb2.IdTag(id_tag="TAG1"))
    assert fields.status is AuthorizationStatus.ACCEPTED
    assert fields.expires_at is None
    assert fields.parent_id_tag is None
    fields = fields_from_proto(
        auth_pb2.IdTag(id_tag="TAG1", expires_at=to_timestamp(NOW), parent_id_tag="P")
    )
    assert fields.expires_at == NOW
    assert fields.parent_id_tag == "P"


def test_id_tag_and_decision_to_proto() -> None:
    tag = IdTag("TAG1", AuthorizationStatus.BLOCKED, None, None, NOW, NOW)
    message = id_tag_to_proto(tag)
    assert message.status == Status.BLOCKED
    assert not message.HasField("expires_at")
    assert message.parent_id_tag == ""
    assert message.created_at.ToDatetime(tzinfo=UTC) == NOW
    info = id_token_info_to_proto(IdTokenInfo(AuthorizationStatus.CONCURRENT_TX, NOW, "P"))
    assert info.status == Status.CONCURRENT_TX
    assert info.expires_at.ToDatetime(tzinfo=UTC) == NOW
    assert info.parent_id_tag == "P"
