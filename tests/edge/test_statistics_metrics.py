"""edge.statistics feeds the Prometheus metrics from the same events as GET /statistics."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from prometheus_client import CollectorRegistry

from edge.statistics import TrafficStatistics
from servicekit import metrics
from servicekit.clock import FixedClock

pytestmark = pytest.mark.unit


CLOCK = FixedClock(datetime(2024, 5, 1, 12, tzinfo=UTC))


def _statistics() -> tuple[TrafficStatistics, CollectorRegistry]:
    registry = CollectorRegistry()
    return TrafficStatistics(CLOCK, metrics=metrics.OcppMetrics.register(registry)), registry


def _value(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


def test_calls_each_way_are_observed_by_action_and_direction() -> None:
    stats, registry = _statistics()
    stats.call_received("Heartbeat", 0.002, None)
    stats.call_received("Heartbeat", 0.004, None)
    stats.call_received("Authorize", 0.010, "ProtocolError")
    stats.call_sent("Reset", 0.050, call_error=False)
    stats.call_sent("Reset", 0.020, call_error=True)
    stats.call_sent("Reset", None, call_error=False)

    def count(action: str, direction: str) -> float:
        return _value(registry, "csms_ocpp_call_seconds_count", action=action, direction=direction)

    assert count("Heartbeat", "received") == 2
    assert _value(
        registry, "csms_ocpp_call_seconds_sum", action="Heartbeat", direction="received"
    ) == pytest.approx(0.006)
    assert count("Authorize", "received") == 1
    # The unanswered CALL has no duration: counted apart.
    assert count("Reset", "sent") == 2
    assert _value(registry, "csms_ocpp_unanswered_calls_total", action="Reset") == 1
    assert _value(registry, "csms_ocpp_call_errors_received_total", action="Reset") == 1
    # The same figures as GET /statistics.
    by_key = {(a.direction, a.action): a.count for a in stats.figures().actions}
    assert by_key == {
        ("received", "Heartbeat"): 2,
        ("received", "Authorize"): 1,
        ("sent", "Reset"): 3,
    }


def test_callerrors_sent_are_counted_by_code() -> None:
    stats, registry = _statistics()
    stats.call_received("Authorize", 0.010, "ProtocolError")
    stats.call_received("Authorize", 0.010, "ProtocolError")
    stats.unreadable_call_answered("FormationViolation")
    assert _value(registry, "csms_ocpp_call_errors_sent_total", code="ProtocolError") == 2
    assert _value(registry, "csms_ocpp_call_errors_sent_total", code="FormationViolation") == 1
    assert dict(stats.figures().call_errors_by_code) == {
        "ProtocolError": 2,
        "FormationViolation": 1,
    }


def test_connections_and_frames() -> None:
    stats, registry = _statistics()
    stats.connection_opened()
    stats.connection_opened()
    stats.connection_closed()
    stats.handshake_refused()
    stats.frame_received()
    stats.frame_sent()
    stats.frame_sent()
    assert _value(registry, "csms_ocpp_connections_opened_total") == 2
    assert _value(registry, "csms_ocpp_connections_closed_total") == 1
    assert _value(registry, "csms_ocpp_connections_rejected_total") == 1
    assert _value(registry, "csms_ocpp_frames_received_total") == 1
    assert _value(registry, "csms_ocpp_frames_sent_total") == 2


def test_the_installed_process_metrics_are_used_by_default() -> None:
    process = metrics.ProcessMetrics("edge")
    with metrics.installed(process):
        stats = TrafficStatistics(CLOCK)
    stats.connection_opened()
    assert process.registry.get_sample_value("csms_ocpp_connections_opened_total") == 1


def test_without_metrics_only_the_figures_count() -> None:
    stats = TrafficStatistics(CLOCK)
    stats.connection_opened()
    stats.call_received("Heartbeat", 0.002, None)
    assert stats.figures().connections_opened == 1
