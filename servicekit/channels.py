"""gRPC client channels between components.

With process metrics installed (:mod:`servicekit.metrics`), a channel times every unary
call it makes (``csms_grpc_client_handling_seconds``), so the caller's view of a service
(network and queueing included) sits beside the service's own.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, cast

import grpc
from prometheus_client import Histogram

from servicekit.grpc_server import MAX_MESSAGE_BYTES
from servicekit.metrics import MethodSeconds, current
from servicekit.network_settings import split_addresses

if TYPE_CHECKING:
    _ClientInterceptor = grpc.aio.UnaryUnaryClientInterceptor[Any, Any]
else:  # generic only in the type stubs
    _ClientInterceptor = grpc.aio.UnaryUnaryClientInterceptor


class ClientTiming(_ClientInterceptor):
    """Observes each unary call from its start to its status, by service, method and
    status code."""

    def __init__(self, seconds: Histogram) -> None:
        self._seconds = MethodSeconds(seconds)

    async def intercept_unary_unary(
        self,
        continuation: Any,
        client_call_details: grpc.aio.ClientCallDetails,
        request: Any,
    ) -> Any:
        started = time.perf_counter()
        method = client_call_details.method
        name = method.decode() if isinstance(method, bytes) else str(method)
        code = grpc.StatusCode.UNKNOWN
        try:
            call = await continuation(client_call_details, request)
            # Waits for the answer; the caller awaiting the call again gets it at once.
            await call
            code = grpc.StatusCode.OK
            return call
        except grpc.aio.AioRpcError as error:
            code = error.code()
            raise
        except asyncio.CancelledError:
            code = grpc.StatusCode.CANCELLED
            raise
        finally:
            self._seconds.observe(name, code.name, time.perf_counter() - started)


def channel_target(address: str) -> str:
    """The gRPC target of ``address``: one ``host:port``, or a comma-separated list of
    IP ``host:port`` entries (edge replicas), which becomes one ``ipv4:``/``ipv6:`` target
    that the channel balances over."""
    entries = split_addresses(address)
    if len(entries) <= 1:
        return address.strip()
    scheme = "ipv6" if any(entry.startswith("[") for entry in entries) else "ipv4"
    return f"{scheme}:{','.join(entries)}"


def open_channel(address: str) -> grpc.aio.Channel:
    """An insecure channel to another component (``host:port``, or a list of replicas'),
    reconnecting quickly.

    A short reconnect backoff matters: after a service restarts, the edge must reach it
    again within a charge point's retry, not after gRPC's default two-minute backoff.
    Round robin spreads calls over every address a target has (a list, or a host name
    resolving to several replicas) and skips the ones that do not answer.
    """
    metrics = current()
    return grpc.aio.insecure_channel(
        channel_target(address),
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.initial_reconnect_backoff_ms", 200),
            ("grpc.min_reconnect_backoff_ms", 200),
            ("grpc.max_reconnect_backoff_ms", 2000),
            ("grpc.enable_retries", 0),
            ("grpc.lb_policy_name", "round_robin"),
        ],
        # The stubs leave ClientInterceptor undefined ("must cast"): it is ours above.
        interceptors=None
        if metrics is None
        else [cast(Any, ClientTiming(metrics.grpc.client_seconds))],
    )
