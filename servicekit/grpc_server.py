"""Build and run a grpc.aio server the same way for every component.

Each server gets the standard ``grpc.health.v1`` service, server reflection, and one
interceptor that turns :class:`servicekit.errors.ServiceError` and database outages into
gRPC status codes, so servicers only translate messages. With process metrics installed
(:mod:`servicekit.metrics`), another times every unary call by method and status code,
and the error translation counts the database failures it maps.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_health.v1 import _async as health_aio
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from grpc_status import rpc_status
from prometheus_client import Counter, Histogram
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from servicekit.database import outage
from servicekit.deadlines import DeadlineInterceptor
from servicekit.errors import ERROR_DOMAIN, DatabaseUnavailable, ServiceError
from servicekit.interceptors import Behavior, UnaryInterceptor
from servicekit.log_context import ContextInterceptor
from servicekit.metrics import REFUSED, UNAVAILABLE, MethodSeconds, current

LOG = logging.getLogger(__name__)

# Bounded well above the largest OCPP message the edge accepts.
MAX_MESSAGE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Registration:
    """One servicer and the generated ``add_XServicer_to_server`` function for it."""

    servicer: object
    add_to_server: Callable[[Any, grpc.aio.Server], None]
    # Full service name, e.g. "csms.chargepoint.v1.ChargePointService".
    name: str


class ErrorTranslation(UnaryInterceptor):
    """Maps domain errors to gRPC status: the one place where that happens.

    A database failure is UNAVAILABLE when the database could not be reached or did not
    answer (:class:`~servicekit.errors.DatabaseUnavailable`: retry later), INTERNAL when it
    refused a statement (a bug: retrying changes nothing). Each is counted in
    ``database_errors`` when given (``csms_database_errors_total{service, kind}``).
    """

    def __init__(self, database_errors: Counter | None = None) -> None:
        self._database_errors = database_errors

    def wrap(self, details: grpc.HandlerCallDetails, inner: Behavior) -> Behavior:
        method = details.method
        component = component_of(method)
        errors = self._database_errors

        async def translated(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            try:
                return await inner(request, context)
            except ServiceError as error:
                await abort(context, error, component)
            except (DBAPIError, PoolTimeout, OSError, TimeoutError) as error:
                cause = outage(error)
                if cause is None:
                    if not isinstance(error, DBAPIError):
                        raise
                    # The database refused a statement (constraint, type): a bug, not an
                    # outage.
                    if errors is not None:
                        errors.labels(component, REFUSED).inc()
                    LOG.exception("database refused a statement in %s", method)
                    await context.abort(
                        grpc.StatusCode.INTERNAL,
                        "the database refused the change; nothing was stored",
                    )
                # The caller may retry (an OCPP station does, on the InternalError the edge
                # sends); the operator reads the whole error here.
                if errors is not None:
                    errors.labels(component, UNAVAILABLE).inc()
                LOG.warning("%s database unavailable in %s: %s", component, method, error)
                await abort(context, DatabaseUnavailable(component, cause), component)

        return translated


class CallTiming(UnaryInterceptor):
    """Observes how long each unary call took, by service, method and status code
    (``csms_grpc_server_handling_seconds``). It runs outside :class:`ErrorTranslation`, so
    a translated error counts under the status the caller received. Streaming calls (the
    health service's Watch, reflection) are not timed: they last as long as the caller
    wants."""

    def __init__(self, seconds: Histogram) -> None:
        self._seconds = MethodSeconds(seconds)

    def wrap(self, details: grpc.HandlerCallDetails, inner: Behavior) -> Behavior:
        method = details.method

        async def timed(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            started = time.perf_counter()
            code = grpc.StatusCode.UNKNOWN
            try:
                response = await inner(request, context)
                code = status_of(context.code(), grpc.StatusCode.OK)
                return response
            except asyncio.CancelledError:
                code = grpc.StatusCode.CANCELLED
                raise
            except grpc.aio.AbortError:
                code = status_of(context.code(), grpc.StatusCode.UNKNOWN)
                raise
            finally:
                self._seconds.observe(method, code.name, time.perf_counter() - started)

        return timed


def status_of(code: object, default: grpc.StatusCode) -> grpc.StatusCode:
    """``context.code()`` as a StatusCode: grpc.aio gives the enum, its int value (from
    ``abort_with_status``), or None when nobody set one."""
    if isinstance(code, grpc.StatusCode):
        return code
    if isinstance(code, int):
        for status in grpc.StatusCode:
            if status.value[0] == code:
                return status
    return default


def component_of(method: str) -> str:
    """The component a method belongs to, from its package: "transaction" for
    ``/csms.transaction.v1.TransactionService/StartTransaction``."""
    service = method.strip("/").split("/")[0]
    parts = service.split(".")
    if len(parts) >= 3 and parts[0] == "csms":
        return parts[1]
    return service


async def abort(
    context: grpc.aio.ServicerContext[Any, Any], error: ServiceError, component: str
) -> NoReturn:
    """End the call with ``error``'s status and message, and its ErrorInfo if it has a
    reason (:mod:`servicekit.errors`)."""
    if error.reason is None:
        await context.abort(error.status, str(error))
    info = error_details_pb2.ErrorInfo(
        reason=error.reason, domain=ERROR_DOMAIN, metadata={"component": component}
    )
    detail = any_pb2.Any()
    detail.Pack(info)
    status = status_pb2.Status(code=error.status.value[0], message=str(error), details=[detail])
    # In grpc.aio since 1.31; the grpc-stubs of this environment do not list it yet.
    await context.abort_with_status(rpc_status.to_status(status))  # type: ignore[attr-defined]
    raise AssertionError("unreachable: abort_with_status raises")


@dataclass
class RunningServer:
    server: grpc.aio.Server
    port: int
    health: health_aio.HealthServicer

    async def stop(self, grace: float = 2.0) -> None:
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)


async def start_server(
    registrations: Sequence[Registration], host: str, port: int
) -> RunningServer:
    """Start serving on ``host:port`` (port 0 picks a free one; see ``RunningServer.port``).

    The process metrics installed now (:func:`servicekit.metrics.current`), if any, time
    the calls and count database failures."""
    metrics = current()
    # ContextInterceptor first: ErrorTranslation's log lines carry the context too.
    # CallTiming outside ErrorTranslation: it sees the status the caller receives.
    # DeadlineInterceptor innermost: what the servicer calls in turn ends first.
    interceptors: list[UnaryInterceptor] = (
        [ContextInterceptor(), ErrorTranslation(), DeadlineInterceptor()]
        if metrics is None
        else [
            ContextInterceptor(),
            CallTiming(metrics.grpc.server_seconds),
            ErrorTranslation(metrics.grpc.database_errors),
            DeadlineInterceptor(),
        ]
    )
    server = grpc.aio.server(
        interceptors=interceptors,
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.so_reuseport", 0),
        ],
    )
    health_servicer = health_aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for registration in registrations:
        registration.add_to_server(registration.servicer, server)
    names = [r.name for r in registrations]
    reflection.enable_server_reflection(
        [
            *names,
            health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
            reflection.SERVICE_NAME,
        ],
        server,
    )
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise OSError(f"cannot listen on {host}:{port}: the port is in use or not allowed")
    await server.start()
    for name in ["", *names]:
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    return RunningServer(server, bound, health_servicer)
