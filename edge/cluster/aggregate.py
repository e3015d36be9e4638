"""The figures of every replica as one: GET /statistics answers for the whole edge,
whichever replica Envoy hands the request to.

Counts add up exactly. Latency percentiles cannot be combined from percentiles, so an
action's p50/p95/p99/max across replicas is the highest replica's: an upper bound, which
is what an operator watching for slowness needs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from csms.edge.v1 import edge_pb2

_SUMMED = (
    "active_connections",
    "connections_opened",
    "connections_closed",
    "handshakes_refused",
    "messages_received",
    "messages_sent",
    "calls_received",
    "replicas",
)


def merge_statistics(parts: Sequence[edge_pb2.Statistics]) -> edge_pb2.Statistics:
    """One Statistics for ``parts`` (every replica's); the transaction counts, which come
    from transaction_svc and so are the same everywhere, are ``parts[0]``'s."""
    first = parts[0]
    merged = edge_pb2.Statistics(
        transactions_active=first.transactions_active,
        transactions_completed=first.transactions_completed,
    )
    merged.since.CopyFrom(min((p.since for p in parts), key=lambda t: t.ToDatetime()))
    by_version: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    actions: dict[tuple[str, str], edge_pb2.ActionStatistics] = {}
    for part in parts:
        for name in _SUMMED:
            setattr(merged, name, getattr(merged, name) + getattr(part, name))
        by_version.update(part.connections_by_version)
        errors.update(part.call_errors_by_code)
        for action in part.actions:
            _add(actions, action)
    merged.connections_by_version.update(dict(by_version))
    merged.call_errors_by_code.update(dict(errors))
    merged.error_rate = sum(errors.values()) / merged.calls_received if merged.calls_received else 0
    merged.actions.extend(actions[key] for key in sorted(actions))
    return merged


def _add(
    actions: dict[tuple[str, str], edge_pb2.ActionStatistics], action: edge_pb2.ActionStatistics
) -> None:
    key = (action.action, action.direction)
    mine = actions.get(key)
    if mine is None:
        actions[key] = edge_pb2.ActionStatistics()
        actions[key].CopyFrom(action)
        return
    mine.count += action.count
    mine.errors += action.errors
    mine.p50_ms = max(mine.p50_ms, action.p50_ms)
    mine.p95_ms = max(mine.p95_ms, action.p95_ms)
    mine.p99_ms = max(mine.p99_ms, action.p99_ms)
    mine.max_ms = max(mine.max_ms, action.max_ms)
