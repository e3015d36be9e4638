"""OCPP 2.x local authorization list (D01 SendLocalList, D02 GetLocalListVersion). Id
tags are card tokens (ISO14443); a parent id tag is the group id token. Pure."""

from __future__ import annotations

from typing import Any

from csms.edge.v1 import operations_pb2
from edge.operation_errors import InvalidRequest
from edge.v16.operations.fields import choice, moment, required
from edge.v201.operations.fields import CARD, CENTRAL, Kwargs, id_token, mapped

Request = operations_pb2.SendLocalListRequest
Authorization = operations_pb2.LocalAuthorization

_UPDATE_TYPE = {Request.FULL: "Full", Request.DIFFERENTIAL: "Differential"}

# OCPP 2.0.1 AuthorizationStatusEnumType, the values the API's list entries have.
_AUTHORIZATION = {
    Authorization.ACCEPTED: "Accepted",
    Authorization.BLOCKED: "Blocked",
    Authorization.EXPIRED: "Expired",
    Authorization.INVALID: "Invalid",
    Authorization.CONCURRENT_TX: "ConcurrentTx",
}

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
    update_type = choice(
        request.update_type, _UPDATE_TYPE, "update_type", Request.UpdateType.DESCRIPTOR
    )
    if request.version <= 0:
        raise InvalidRequest(f"version must be greater than 0, got {request.version}")
    entries = []
    for index, entry in enumerate(request.entries):
        field = f"entries[{index}]"
        item: Kwargs = {"id_token": id_token(required(entry.id_tag, f"{field}.id_tag"), CARD)}
        if entry.HasField("authorization"):
            item["id_token_info"] = _id_token_info(entry.authorization, f"{field}.authorization")
        elif update_type == "Full":
            raise InvalidRequest(
                f"{field}.authorization is required in a FULL update; only a DIFFERENTIAL "
                "update removes an id tag by leaving it out"
            )
        entries.append(item)
    return {
        "version_number": request.version,
        "update_type": update_type,
        "local_authorization_list": entries or None,
    }


def _id_token_info(authorization: Authorization, field: str) -> Kwargs:
    group = authorization.parent_id_tag
    return {
        "status": choice(
            authorization.status, _AUTHORIZATION, f"{field}.status", Authorization.Status.DESCRIPTOR
        ),
        "cache_expiry_date_time": moment(authorization, "expires_at"),
        "group_id_token": id_token(group, CENTRAL) if group else None,
    }


def send_answer(answer: Any) -> operations_pb2.SendLocalListResponse:
    return operations_pb2.SendLocalListResponse(
        status=mapped(_UPDATE_STATUS, answer.status, "status")
    )
