"""The one shape of the servers' interceptors: each wraps the behaviour of a unary call
(error translation, timing, log context); streaming calls (health Watch, reflection)
pass through untouched."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import grpc

Behavior = Callable[[Any, grpc.aio.ServicerContext[Any, Any]], Awaitable[Any]]

if TYPE_CHECKING:
    _Interceptor = grpc.aio.ServerInterceptor[Any, Any]
else:  # generic only in the type stubs
    _Interceptor = grpc.aio.ServerInterceptor


class UnaryInterceptor(_Interceptor):
    """Subclasses implement :meth:`wrap`."""

    def wrap(self, details: grpc.HandlerCallDetails, inner: Behavior) -> Behavior | None:
        """The behaviour to run instead of ``inner`` (None: leave the call as it is)."""
        raise NotImplementedError

    async def intercept_service(
        self,
        continuation: Callable[
            [grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any]]
        ],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any]:
        handler = await continuation(handler_call_details)
        if handler is None or handler.unary_unary is None:
            return handler
        inner: Any = handler.unary_unary  # an async behaviour: the server is grpc.aio
        wrapped = self.wrap(handler_call_details, inner)
        if wrapped is None:
            return handler
        return grpc.unary_unary_rpc_method_handler(
            wrapped,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
