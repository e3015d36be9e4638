"""Translation between ``csms.auth.v1`` protobuf messages and domain values, for both of
auth_svc's servicers.

Protobuf leaves nothing "unset" for enums, so the conventions live here: each
``*_UNSPECIFIED`` value means the API's default, and a number no enum names (proto3 enums
are open: JSON may carry any number) is the caller's mistake, :class:`InvalidRequest`.
"""

from __future__ import annotations

from auth_svc.domain.certificate_signing import Use
from auth_svc.domain.credentials import BasicCredentials, Decision, Presented
from auth_svc.domain.id_tag import AuthorizationStatus, IdTag, IdTagFields, IdTokenInfo, Purpose
from auth_svc.domain.local_list import LocalList, SendOutcome, UpdateType
from auth_svc.errors import InvalidRequest
from auth_svc.use_cases import CredentialView
from csms.auth.v1 import auth_pb2, certificates_pb2
from servicekit.timestamps import from_timestamp, to_timestamp

_Status = auth_pb2.IdTokenInfo.Status
_Purpose = auth_pb2.AuthorizeRequest.Purpose
_UpdateType = auth_pb2.SendLocalListRequest.UpdateType
_SendStatus = auth_pb2.SendLocalListResponse.Status
_Outcome = auth_pb2.AuthenticateChargePointResponse.Outcome
_SignRequest = certificates_pb2.SignChargePointCertificateRequest


def credentials_to_proto(view: CredentialView) -> auth_pb2.ChargePointCredentials:
    return auth_pb2.ChargePointCredentials(
        charge_point_id=view.charge_point_id,
        security_profile=int(view.security_profile),
        effective_security_profile=int(view.effective_security_profile),
        password_set=view.password_set,
        password_change_pending=view.password_change_pending,
        updated_at=to_timestamp(view.updated_at),
        pending_security_profile=int(view.pending_security_profile or 0),
    )


def update_type_from_proto(value: auth_pb2.SendLocalListRequest.UpdateType.ValueType) -> UpdateType:
    """UPDATE_TYPE_UNSPECIFIED is FULL, the API's default."""
    if value == _UpdateType.UPDATE_TYPE_UNSPECIFIED:
        return UpdateType.FULL
    try:
        return UpdateType[_UpdateType.Name(value)]
    except ValueError:
        raise InvalidRequest(f"update_type {value} is not FULL or DIFFERENTIAL") from None


def local_list_to_proto(local_list: LocalList) -> auth_pb2.LocalList:
    return auth_pb2.LocalList(
        version=local_list.version, entries=[id_tag_to_proto(tag) for tag in local_list.members]
    )


def purpose_from_proto(value: auth_pb2.AuthorizeRequest.Purpose.ValueType) -> Purpose:
    """PURPOSE_UNSPECIFIED is a plain Authorize, the most common and the strictest check."""
    if value == _Purpose.PURPOSE_UNSPECIFIED:
        return Purpose.AUTHORIZE
    try:
        return Purpose[_Purpose.Name(value)]
    except ValueError:
        allowed = ", ".join(purpose.name for purpose in Purpose)
        raise InvalidRequest(f"purpose {value} is not one of {allowed}") from None


def status_from_proto(value: auth_pb2.IdTokenInfo.Status.ValueType) -> AuthorizationStatus:
    """STATUS_UNSPECIFIED means ACCEPTED: creating an identifier usually means allowing it."""
    if value == _Status.STATUS_UNSPECIFIED:
        return AuthorizationStatus.ACCEPTED
    try:
        return AuthorizationStatus[_Status.Name(value)]
    except ValueError:
        raise InvalidRequest(f"status {value} is not an authorization status") from None


def status_to_proto(status: AuthorizationStatus) -> auth_pb2.IdTokenInfo.Status.ValueType:
    return _Status.Value(status.name)


def fields_from_proto(message: auth_pb2.IdTag) -> IdTagFields:
    return IdTagFields(
        id_tag=message.id_tag,
        status=status_from_proto(message.status),
        expires_at=from_timestamp(message.expires_at) if message.HasField("expires_at") else None,
        parent_id_tag=message.parent_id_tag or None,
        id_token_type=message.id_token_type or None,
    )


def id_tag_to_proto(tag: IdTag) -> auth_pb2.IdTag:
    return auth_pb2.IdTag(
        id_tag=tag.id_tag,
        status=status_to_proto(tag.status),
        expires_at=to_timestamp(tag.expires_at),
        parent_id_tag=tag.parent_id_tag or "",
        created_at=to_timestamp(tag.created_at),
        updated_at=to_timestamp(tag.updated_at),
        id_token_type=tag.id_token_type,
    )


def id_token_info_to_proto(info: IdTokenInfo) -> auth_pb2.IdTokenInfo:
    return auth_pb2.IdTokenInfo(
        status=status_to_proto(info.status),
        expires_at=to_timestamp(info.expires_at),
        parent_id_tag=info.parent_id_tag or "",
    )


def send_outcome_to_proto(outcome: SendOutcome) -> auth_pb2.SendLocalListResponse:
    return auth_pb2.SendLocalListResponse(
        status=_SendStatus.Value(outcome.status.name),
        version=outcome.version,
        update_type=_UpdateType.Value(outcome.update_type.name),
        entries_sent=outcome.entries_sent,
    )


def presented_from_proto(request: auth_pb2.AuthenticateChargePointRequest) -> Presented:
    """What the handshake showed, as Envoy vouched for it (Basic credentials only when the
    station sent an ``Authorization: Basic`` header)."""
    return Presented(
        charge_point_id=request.charge_point_id,
        basic=BasicCredentials(request.username, request.password) if request.basic_auth else None,
        tls=request.tls,
        client_certificate_cn=request.client_certificate_cn or None,
    )


def decision_to_proto(decision: Decision) -> auth_pb2.AuthenticateChargePointResponse:
    return auth_pb2.AuthenticateChargePointResponse(
        outcome=_Outcome.Value(decision.outcome.name),
        reason=decision.reason,
        security_profile=int(decision.security_profile),
    )


def use_from_proto(value: certificates_pb2.SignChargePointCertificateRequest.Use.ValueType) -> Use:
    """USE_UNSPECIFIED is CHARGE_POINT: OCPP 1.6 has no other use."""
    if value in (_SignRequest.USE_UNSPECIFIED, _SignRequest.CHARGE_POINT):
        return Use.CHARGE_POINT
    if value == _SignRequest.V2G:
        return Use.V2G
    raise InvalidRequest(f"use {value} is not CHARGE_POINT or V2G")
