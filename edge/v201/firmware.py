"""OCPP 2.x PublishFirmwareStatusNotification (2.0.1 L03) to the version-neutral request:
a Local Controller's progress publishing a firmware, with the URIs it serves it at once
Published (L03.FR.08). Pure; 2.1 keeps the message's shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from csms.chargepoint.v1 import firmware_pb2


def publish_status_request(
    charge_point_id: str, payload: Mapping[str, Any]
) -> firmware_pb2.RecordPublishFirmwareStatusRequest:
    return firmware_pb2.RecordPublishFirmwareStatusRequest(
        charge_point_id=charge_point_id,
        status=payload["status"],
        request_id=payload.get("request_id") or 0,
        locations=list(payload.get("location") or ()),
    )
