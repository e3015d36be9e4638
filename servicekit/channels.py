"""gRPC client channels between components."""

from __future__ import annotations

import grpc

from servicekit.grpc_server import MAX_MESSAGE_BYTES
from servicekit.settings import split_addresses


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
    )
