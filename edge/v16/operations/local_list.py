"""OCPP 1.6 Local Auth List Management profile (OCPP 1.6 §5.10, §5.15): the version of
the station's list, and sending a full or differential list. Pure."""

from __future__ import annotations

from typing import Any

from ocpp.v16 import call, datatypes

from csms.edge.v1 import operations_pb2
from edge.operation_errors import InvalidRequest
from edge.v16.operations.fields import choice, moment, optional, required

Request = operations_pb2.SendLocalListRequest
Authorization = operations_pb2.LocalAuthorization

_UPDATE_TYPE = {Request.FULL: "Full", Request.DIFFERENTIAL: "Differential"}

# OCPP 1.6 §7.2 AuthorizationStatus.
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
    update_type = choice(
        request.update_type, _UPDATE_TYPE, "update_type", Request.UpdateType.DESCRIPTOR
    )
    if request.version <= 0:
        raise InvalidRequest(f"version must be greater than 0, got {request.version}")
    entries = []
    for index, entry in enumerate(request.entries):
        field = f"entries[{index}]"
        info = None
        if entry.HasField("authorization"):
            info = _id_tag_info(entry.authorization, f"{field}.authorization")
        elif update_type == "Full":
            raise InvalidRequest(
                f"{field}.authorization is required in a FULL update; only a DIFFERENTIAL "
                "update removes an id tag by leaving it out"
            )
        entries.append(
            datatypes.AuthorizationData(
                id_tag=required(entry.id_tag, f"{field}.id_tag"), id_tag_info=info
            )
        )
    return call.SendLocalList(
        list_version=request.version,
        update_type=update_type,
        local_authorization_list=entries,
    )


def _id_tag_info(authorization: Authorization, field: str) -> datatypes.IdTagInfo:
    return datatypes.IdTagInfo(
        status=choice(
            authorization.status, _AUTHORIZATION, f"{field}.status", Authorization.Status.DESCRIPTOR
        ),
        parent_id_tag=optional(authorization.parent_id_tag),
        expiry_date=moment(authorization, "expires_at"),
    )


def send_answer(answer: Any) -> operations_pb2.SendLocalListResponse:
    return operations_pb2.SendLocalListResponse(status=_UPDATE_STATUS[answer.status])
