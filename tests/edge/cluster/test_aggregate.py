from __future__ import annotations

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from csms.edge.v1 import edge_pb2
from edge.cluster.aggregate import merge_statistics

pytestmark = pytest.mark.unit


def _figures(
    seconds: int, received: int, errors: int, p95: float, **extra: int
) -> edge_pb2.Statistics:
    return edge_pb2.Statistics(
        active_connections=extra.get("active", 1),
        connections_by_version={"1.6": extra.get("active", 1)},
        calls_received=received,
        call_errors_by_code={"FormationViolation": errors},
        actions=[
            edge_pb2.ActionStatistics(
                action="Heartbeat", direction="received", count=received, p95_ms=p95, max_ms=p95
            )
        ],
        transactions_active=extra.get("tx", -1),
        since=Timestamp(seconds=seconds),
        replicas=1,
    )


def test_counts_add_up_and_percentiles_take_the_highest_replica() -> None:
    merged = merge_statistics(
        [_figures(200, 10, 1, 5.0, tx=4, active=2), _figures(100, 30, 3, 9.0, active=1)]
    )
    assert merged.replicas == 2
    assert merged.active_connections == 3
    assert merged.connections_by_version == {"1.6": 3}
    assert merged.calls_received == 40
    assert merged.call_errors_by_code == {"FormationViolation": 4}
    assert merged.error_rate == 0.1
    (heartbeat,) = merged.actions
    assert (heartbeat.count, heartbeat.p95_ms, heartbeat.max_ms) == (40, 9.0, 9.0)
    # transaction_svc's counts are the asking replica's; the window starts at the earliest.
    assert merged.transactions_active == 4
    assert merged.since.seconds == 100


def test_one_replica_is_its_own_figures() -> None:
    only = _figures(100, 10, 0, 2.0, tx=1)
    assert merge_statistics([only]) == only
