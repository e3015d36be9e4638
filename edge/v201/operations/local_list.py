"""OCPP 2.x local authorization list (D01 SendLocalList, D02 GetLocalListVersion). Id
tags go with the id token type they are stored with; a parent id tag is the group id
token. Pure."""

from __future__ import annotations

from typing import Any

from csms.edge.v1 import operations_pb2
from edge.operations.request_checks import CheckedAuthorization, list_update
from edge.v201.operations.fields import CENTRAL, Kwargs, id_token, mapped

Request = operations_pb2.SendLocalListRequest

_UPDATE_STATUS = {
    "Accepted": operations_pb2.SendLocalListResponse.ACCEPTED,
    "Failed": operations_pb2.SendLocalListResponse.FAILED,
    "VersionMismatch": operations_pb2.SendLocalListResponse.VERSION_MISMATCH,
}


def version_request(_request: operations_pb2.GetLocalListVersionRequest) -> Kwargs:
    return {}


def version_answer(answer: Any) -> operations_pb2.GetLocalListVersionResponse:
    """0: no list installed (D02)."""
    return operations_pb2.GetLocalListVersionResponse(version=answer.version_number)


def send_request(request: Request) -> Kwargs:
    """idTokenInfo is required in a full update; in a differential update an entry
    without it removes the token from the station's list (D01)."""
    update_type, entries = list_update(request)
    items = []
    for entry in entries:
        item: Kwargs = {"id_token": id_token(entry.id_tag, entry.id_token_type)}
        if entry.authorization is not None:
            item["id_token_info"] = _id_token_info(entry.authorization)
        items.append(item)
    return {
        "version_number": request.version,
        "update_type": update_type,
        "local_authorization_list": items or None,
    }


def _id_token_info(authorization: CheckedAuthorization) -> Kwargs:
    group = authorization.parent_id_tag
    return {
        "status": authorization.status,
        "cache_expiry_date_time": authorization.expires_at,
        "group_id_token": id_token(group, CENTRAL) if group else None,
    }


def send_answer(answer: Any) -> operations_pb2.SendLocalListResponse:
    return operations_pb2.SendLocalListResponse(
        status=mapped(_UPDATE_STATUS, answer.status, "status")
    )
