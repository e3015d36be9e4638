"""OCPP 1.6 Local Auth List Management profile (OCPP 1.6 §5.10, §5.15): the version of
the station's list, and sending a full or differential list. Pure."""

from __future__ import annotations

from typing import Any

from ocpp.v16 import call, datatypes

from csms.edge.v1 import operations_pb2
from edge.operations.request_checks import CheckedAuthorization, list_update
from edge.v16.operations.fields import optional

Request = operations_pb2.SendLocalListRequest

_UPDATE_STATUS = {
    "Accepted": operations_pb2.SendLocalListResponse.ACCEPTED,
    "Failed": operations_pb2.SendLocalListResponse.FAILED,
    "NotSupported": operations_pb2.SendLocalListResponse.NOT_SUPPORTED,
    "VersionMismatch": operations_pb2.SendLocalListResponse.VERSION_MISMATCH,
}


def version_request(
    _request: operations_pb2.GetLocalListVersionRequest,
) -> call.GetLocalListVersion:
    return call.GetLocalListVersion()


def version_answer(answer: Any) -> operations_pb2.GetLocalListVersionResponse:
    """-1: the station has no local list support; 0: no list installed (OCPP 1.6 §6.25)."""
    return operations_pb2.GetLocalListVersionResponse(version=answer.list_version)


def send_request(request: Request) -> call.SendLocalList:
    """OCPP 1.6 §6.40 AuthorizationData: idTagInfo is required in a full update; in a
    differential update an entry without it removes the id tag from the station's list."""
    update_type, entries = list_update(request)
    return call.SendLocalList(
        list_version=request.version,
        update_type=update_type,
        local_authorization_list=[
            datatypes.AuthorizationData(
                id_tag=entry.id_tag,
                id_tag_info=_id_tag_info(entry.authorization),
            )
            for entry in entries
        ],
    )


def _id_tag_info(authorization: CheckedAuthorization | None) -> datatypes.IdTagInfo | None:
    if authorization is None:
        return None
    return datatypes.IdTagInfo(
        status=authorization.status,
        parent_id_tag=optional(authorization.parent_id_tag),
        expiry_date=authorization.expires_at,
    )


def send_answer(answer: Any) -> operations_pb2.SendLocalListResponse:
    return operations_pb2.SendLocalListResponse(status=_UPDATE_STATUS[answer.status])
