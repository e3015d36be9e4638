"""``python -m launcher.probe HOST:PORT`` exits 0 when a component's gRPC health is SERVING;
``python -m launcher.probe http://HOST:PORT/PATH`` exits 0 when that URL answers 200.

Container health checks use it (the HTTP form for Envoy, which has no gRPC health of its
own); so can an operator's monitoring.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


def probe(address: str, timeout: float = 2.0) -> bool:
    with grpc.insecure_channel(address) as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(), timeout=timeout
            )
        except grpc.RpcError:
            return False
    return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)


def probe_http(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return bool(reply.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m launcher.probe HOST:PORT | http://HOST:PORT/PATH", file=sys.stderr)
        return 2
    target = argv[0]
    healthy = probe_http(target) if target.startswith(("http://", "https://")) else probe(target)
    print(f"{target}: {'SERVING' if healthy else 'NOT SERVING'}")
    return 0 if healthy else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
