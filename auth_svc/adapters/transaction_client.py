"""The :class:`auth_svc.ports.ActiveTransactions` port, answered by transaction_svc over gRPC."""

from __future__ import annotations

import grpc

from auth_svc.errors import TransactionServiceFailed, TransactionServiceUnavailable
from csms.transaction.v1 import transaction_pb2, transaction_pb2_grpc
from servicekit import log_context
from servicekit.deadlines import within_caller

# Codes that mean "nobody answered in time": the caller may retry later.
_UNREACHABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


class TransactionServiceClient:
    """Counts open transactions through transaction_svc's CountActiveTransactions.

    The channel belongs to the caller (the composition root opens and closes it).
    """

    def __init__(self, channel: grpc.aio.Channel, timeout: float) -> None:
        self._stub = transaction_pb2_grpc.TransactionServiceStub(channel)
        self._timeout = timeout

    async def count_active(self, id_tag: str) -> int:
        request = transaction_pb2.CountActiveTransactionsRequest(id_tag=id_tag)
        try:
            response = await self._stub.CountActiveTransactions(
                request, timeout=within_caller(self._timeout), metadata=log_context.metadata()
            )
        except grpc.aio.AioRpcError as error:
            detail = f"{error.code().name}: {error.details()}"
            if error.code() in _UNREACHABLE:
                raise TransactionServiceUnavailable(detail) from error
            raise TransactionServiceFailed(detail) from error
        return response.count
