"""The :class:`~transaction_svc.ports.Authorizer` port over auth_svc's gRPC API."""

from __future__ import annotations

import logging

import grpc

from csms.auth.v1 import auth_pb2, auth_pb2_grpc
from servicekit import log_context
from servicekit.channels import open_channel
from servicekit.deadlines import within_caller
from servicekit.timestamps import from_timestamp
from transaction_svc.domain.authorization import (
    Authorization,
    AuthorizationPurpose,
    AuthorizationStatus,
)
from transaction_svc.errors import AuthServiceFailed, AuthServiceUnavailable

LOG = logging.getLogger(__name__)

_PURPOSES = {
    AuthorizationPurpose.AUTHORIZE: auth_pb2.AuthorizeRequest.AUTHORIZE,
    AuthorizationPurpose.START_TRANSACTION: auth_pb2.AuthorizeRequest.START_TRANSACTION,
    AuthorizationPurpose.STOP_TRANSACTION: auth_pb2.AuthorizeRequest.STOP_TRANSACTION,
}

# Codes that mean "no answer now": the caller should retry, not give up.
_UNAVAILABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


def authorization_from_proto(info: auth_pb2.IdTokenInfo) -> Authorization:
    """auth_svc's IdTokenInfo as a domain value. An unset status is no decision, and an
    identifier without a decision must not charge: it becomes INVALID."""
    if info.status == auth_pb2.IdTokenInfo.STATUS_UNSPECIFIED:
        LOG.warning("auth service answered without a status; treating the id tag as Invalid")
        status = AuthorizationStatus.INVALID
    else:
        status = AuthorizationStatus[auth_pb2.IdTokenInfo.Status.Name(info.status)]
    return Authorization(
        status=status,
        expires_at=from_timestamp(info.expires_at) if info.HasField("expires_at") else None,
        parent_id_tag=info.parent_id_tag or None,
    )


class GrpcAuthorizer:
    """Asks auth_svc's ``Authorize`` with a deadline, over a channel it owns."""

    def __init__(self, address: str, timeout: float) -> None:
        self._address = address
        self._timeout = timeout
        self._channel = open_channel(address)
        self._stub = auth_pb2_grpc.AuthServiceStub(self._channel)

    async def authorize(
        self,
        id_tag: str,
        charge_point_id: str,
        purpose: AuthorizationPurpose,
        id_token_type: str = "",
    ) -> Authorization:
        request = auth_pb2.AuthorizeRequest(
            id_tag=id_tag,
            charge_point_id=charge_point_id,
            purpose=_PURPOSES[purpose],
            id_token_type=id_token_type,
        )
        try:
            response = await self._stub.Authorize(
                request, timeout=within_caller(self._timeout), metadata=log_context.metadata()
            )
        except grpc.aio.AioRpcError as error:
            code = error.code()
            if code in _UNAVAILABLE:
                LOG.warning(
                    "auth service at %s did not decide about an id tag of charge_point_id=%s: "
                    "%s %s",
                    self._address,
                    charge_point_id,
                    code.name,
                    error.details(),
                )
                raise AuthServiceUnavailable(code.name) from error
            raise AuthServiceFailed(code.name, error.details() or "no details") from error
        return authorization_from_proto(response.id_token_info)

    async def type_of(self, id_tag: str) -> str | None:
        """GetIdTag's id token type; None when auth_svc stores no such identifier."""
        request = auth_pb2.GetIdTagRequest(id_tag=id_tag)
        try:
            response = await self._stub.GetIdTag(
                request, timeout=within_caller(self._timeout), metadata=log_context.metadata()
            )
        except grpc.aio.AioRpcError as error:
            code = error.code()
            if code is grpc.StatusCode.NOT_FOUND:
                return None
            if code in _UNAVAILABLE:
                raise AuthServiceUnavailable(code.name) from error
            raise AuthServiceFailed(code.name, error.details() or "no details") from error
        return response.id_token_type or None

    async def close(self) -> None:
        await self._channel.close(grace=None)
