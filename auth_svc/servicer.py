"""The AuthService gRPC servicer: protobuf in, use case, protobuf out.

Domain errors propagate untouched; :mod:`servicekit.grpc_server` maps them to a status.
"""

from __future__ import annotations

from typing import Any

import grpc
from sqlalchemy.ext.asyncio import AsyncEngine

from auth_svc.credential_use_cases import CredentialUseCases, CredentialView
from auth_svc.credentials import BasicCredentials, Presented
from auth_svc.domain import AuthorizationStatus, IdTag, IdTagFields, IdTokenInfo, Purpose
from auth_svc.errors import InvalidRequest
from auth_svc.local_list import LocalList, UpdateType
from auth_svc.use_cases import AuthUseCases, LocalListUseCases
from csms.auth.v1 import auth_pb2, auth_pb2_grpc
from csms.common.v1 import health_pb2
from servicekit.health import database_report
from servicekit.pagination import PageRequest, next_page_token
from servicekit.timestamps import from_timestamp, to_timestamp

Context = grpc.aio.ServicerContext[Any, Any]

_Status = auth_pb2.IdTokenInfo.Status
_Purpose = auth_pb2.AuthorizeRequest.Purpose
_UpdateType = auth_pb2.SendLocalListRequest.UpdateType
_SendStatus = auth_pb2.SendLocalListResponse.Status
_Outcome = auth_pb2.AuthenticateChargePointResponse.Outcome


class AuthServicer(auth_pb2_grpc.AuthServiceServicer):
    def __init__(
        self,
        use_cases: AuthUseCases,
        local_list: LocalListUseCases,
        credentials: CredentialUseCases,
        engine: AsyncEngine,
    ) -> None:
        self._use_cases = use_cases
        self._local_list = local_list
        self._credentials = credentials
        self._engine = engine

    async def GetHealth(
        self, request: health_pb2.GetHealthRequest, context: Context
    ) -> health_pb2.HealthReport:
        return await database_report("auth", self._engine)

    async def Authorize(
        self, request: auth_pb2.AuthorizeRequest, context: Context
    ) -> auth_pb2.AuthorizeResponse:
        info = await self._use_cases.authorize(
            request.id_tag,
            purpose_from_proto(request.purpose),
            charge_point_id=request.charge_point_id,
        )
        return auth_pb2.AuthorizeResponse(id_token_info=id_token_info_to_proto(info))

    async def CreateIdTag(
        self, request: auth_pb2.CreateIdTagRequest, context: Context
    ) -> auth_pb2.IdTag:
        tag = await self._use_cases.create_id_tag(fields_from_proto(request.id_tag))
        return id_tag_to_proto(tag)

    async def GetIdTag(self, request: auth_pb2.GetIdTagRequest, context: Context) -> auth_pb2.IdTag:
        return id_tag_to_proto(await self._use_cases.get_id_tag(request.id_tag))

    async def ListIdTags(
        self, request: auth_pb2.ListIdTagsRequest, context: Context
    ) -> auth_pb2.ListIdTagsResponse:
        page = await self._use_cases.list_id_tags(
            PageRequest.parse(request.page_size, request.page_token)
        )
        return auth_pb2.ListIdTagsResponse(
            id_tags=[id_tag_to_proto(tag) for tag in page.id_tags],
            next_page_token=next_page_token(page.last),
        )

    async def UpdateIdTag(
        self, request: auth_pb2.UpdateIdTagRequest, context: Context
    ) -> auth_pb2.IdTag:
        tag = await self._use_cases.update_id_tag(fields_from_proto(request.id_tag))
        return id_tag_to_proto(tag)

    async def AddToLocalList(
        self, request: auth_pb2.AddToLocalListRequest, context: Context
    ) -> auth_pb2.LocalList:
        return local_list_to_proto(await self._local_list.add(request.id_tag))

    async def RemoveFromLocalList(
        self, request: auth_pb2.RemoveFromLocalListRequest, context: Context
    ) -> auth_pb2.LocalList:
        return local_list_to_proto(await self._local_list.remove(request.id_tag))

    async def GetLocalList(
        self, request: auth_pb2.GetLocalListRequest, context: Context
    ) -> auth_pb2.LocalList:
        return local_list_to_proto(await self._local_list.get())

    async def SendLocalList(
        self, request: auth_pb2.SendLocalListRequest, context: Context
    ) -> auth_pb2.SendLocalListResponse:
        outcome = await self._local_list.send(
            request.charge_point_id, update_type_from_proto(request.update_type)
        )
        return auth_pb2.SendLocalListResponse(
            status=_SendStatus.Value(outcome.status.name),
            version=outcome.version,
            update_type=_UpdateType.Value(outcome.update_type.name),
            entries_sent=outcome.entries_sent,
        )

    async def SetChargePointCredentials(
        self, request: auth_pb2.SetChargePointCredentialsRequest, context: Context
    ) -> auth_pb2.ChargePointCredentials:
        view = await self._credentials.set(
            request.charge_point_id, request.security_profile, request.password
        )
        return credentials_to_proto(view)

    async def GetChargePointCredentials(
        self, request: auth_pb2.GetChargePointCredentialsRequest, context: Context
    ) -> auth_pb2.ChargePointCredentials:
        return credentials_to_proto(await self._credentials.get(request.charge_point_id))

    async def ChangeChargePointPassword(
        self, request: auth_pb2.ChangeChargePointPasswordRequest, context: Context
    ) -> auth_pb2.ChargePointCredentials:
        view = await self._credentials.change_password(request.charge_point_id, request.password)
        return credentials_to_proto(view)

    async def AuthenticateChargePoint(
        self, request: auth_pb2.AuthenticateChargePointRequest, context: Context
    ) -> auth_pb2.AuthenticateChargePointResponse:
        presented = Presented(
            charge_point_id=request.charge_point_id,
            basic=BasicCredentials(request.username, request.password)
            if request.basic_auth
            else None,
            tls=request.tls,
            client_certificate_cn=request.client_certificate_cn or None,
        )
        decision = await self._credentials.authenticate(presented)
        return auth_pb2.AuthenticateChargePointResponse(
            outcome=_Outcome.Value(decision.outcome.name),
            reason=decision.reason,
            security_profile=int(decision.security_profile),
        )


def credentials_to_proto(view: CredentialView) -> auth_pb2.ChargePointCredentials:
    return auth_pb2.ChargePointCredentials(
        charge_point_id=view.charge_point_id,
        security_profile=int(view.security_profile),
        effective_security_profile=int(view.effective_security_profile),
        password_set=view.password_set,
        password_change_pending=view.password_change_pending,
        updated_at=to_timestamp(view.updated_at),
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
    )


def id_tag_to_proto(tag: IdTag) -> auth_pb2.IdTag:
    return auth_pb2.IdTag(
        id_tag=tag.id_tag,
        status=status_to_proto(tag.status),
        expires_at=to_timestamp(tag.expires_at),
        parent_id_tag=tag.parent_id_tag or "",
        created_at=to_timestamp(tag.created_at),
        updated_at=to_timestamp(tag.updated_at),
    )


def id_token_info_to_proto(info: IdTokenInfo) -> auth_pb2.IdTokenInfo:
    return auth_pb2.IdTokenInfo(
        status=status_to_proto(info.status),
        expires_at=to_timestamp(info.expires_at),
        parent_id_tag=info.parent_id_tag or "",
    )
