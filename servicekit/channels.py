"""gRPC client channels between components."""

from __future__ import annotations

import grpc

from servicekit.grpc_server import MAX_MESSAGE_BYTES


def open_channel(address: str) -> grpc.aio.Channel:
    """An insecure channel to another component (``host:port``), reconnecting quickly.

    A short reconnect backoff matters: after a service restarts, the edge must reach it
    again within a charge point's retry, not after gRPC's default two-minute backoff.
    """
    return grpc.aio.insecure_channel(
        address,
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.initial_reconnect_backoff_ms", 200),
            ("grpc.min_reconnect_backoff_ms", 200),
            ("grpc.max_reconnect_backoff_ms", 2000),
            ("grpc.enable_retries", 0),
        ],
    )
