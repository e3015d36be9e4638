"""console.statistics: the sampler's ring buffer, its rates, resets and refusals, against a
fake API (httpx.MockTransport) and a fake clock."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from console.statistics import Reading, Sampler, point

pytestmark = pytest.mark.unit


def figures(
    received: int, sent: int = 0, errors: int = 0, *, replicas: int = 1, **more: Any
) -> dict[str, Any]:
    return {
        "activeConnections": more.get("active", 2),
        "messagesReceived": str(received),
        "messagesSent": str(sent),
        "callErrorsByCode": {"FormationViolation": str(errors)} if errors else {},
        "actions": more.get("actions", []),
        "replicas": replicas,
        "since": more.get("since", "2026-12-07T10:00:00Z"),
    }


class FakeApi:
    def __init__(self) -> None:
        self.answers: list[httpx.Response] = []
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return self.answers.pop(0)

    def add(self, body: dict[str, Any], status: int = 200) -> None:
        self.answers.append(httpx.Response(status, content=json.dumps(body).encode()))


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def sampler(api: FakeApi, clock: Clock, *, interval: float = 10, token: str = "") -> Sampler:
    client = httpx.AsyncClient(base_url="http://api", transport=httpx.MockTransport(api))
    return Sampler(client, interval, token=token, clock=clock)


async def test_rates_come_from_consecutive_readings_over_their_interval() -> None:
    api, clock = FakeApi(), Clock()
    s = sampler(api, clock)
    api.add(figures(100, 50, 1))
    actions = [{"count": "3", "p99Ms": 12.5}, {"count": "1", "p99Ms": 80}, {"p99Ms": 900}]
    api.add(figures(300, 90, 6, actions=actions))
    await s.sample()
    clock.now += 10
    await s.sample()
    first, second = s.points
    assert (first.received_per_s, first.sent_per_s, first.call_errors_per_s) == (None, None, None)
    assert second.received_per_s == 20.0
    assert second.sent_per_s == 4.0
    assert second.call_errors_per_s == 0.5
    assert second.worst_p99_ms == 80
    assert second.connections == 2
    assert second.at == first.at + 10


async def test_a_counter_reset_starts_a_new_series_point_never_a_negative_rate() -> None:
    api, clock = FakeApi(), Clock()
    s = sampler(api, clock)
    for body in (figures(1000), figures(40), figures(100)):
        api.add(body)
        await s.sample()
        clock.now += 10
    _, reset, after = s.points
    assert reset.received_per_s is None
    assert after.received_per_s == 6.0


def test_a_replica_leaving_the_sum_is_a_reset_too() -> None:
    before = Reading.of(figures(100, replicas=2), 0.0)
    after = Reading.of(figures(150, replicas=1), 10.0)
    assert point(after, before).received_per_s is None
    restarted = Reading.of(figures(150, since="2026-12-07T11:00:00Z"), 10.0)
    assert point(restarted, Reading.of(figures(100), 0.0)).received_per_s is None


async def test_the_buffer_holds_one_hour() -> None:
    api, clock = FakeApi(), Clock()
    s = sampler(api, clock, interval=60)
    for n in range(100):
        api.add(figures(n))
        await s.sample()
        clock.now += 60
    assert len(s.points) == 61
    assert s.points[-1].at - s.points[0].at == 3600


async def test_a_401_is_recorded_and_the_token_is_sent() -> None:
    api, clock = FakeApi(), Clock()
    s = sampler(api, clock, token="console.token.here")
    api.add({"code": 16, "message": "Jwt is missing"}, status=401)
    await s.sample()
    assert s.refused
    assert s.points == ()
    assert api.seen[0].headers["authorization"] == "Bearer console.token.here"
    api.add(figures(1))
    await s.sample()
    assert not s.refused and s.problem == ""
    assert len(s.points) == 1


async def test_another_failure_is_a_problem_not_a_refusal() -> None:
    api, clock = FakeApi(), Clock()
    s = sampler(api, clock)
    api.add({"message": "upstream connect error"}, status=503)
    await s.sample()
    assert not s.refused
    assert "503" in s.problem and "upstream connect error" in s.problem


async def test_start_samples_at_once_and_stop_ends_the_task() -> None:
    api, clock = FakeApi(), Clock()
    s = sampler(api, clock, interval=3600)
    api.add(figures(5))
    s.start()
    for _ in range(100):
        if s.points:
            break
        await asyncio.sleep(0.01)
    assert len(s.points) == 1
    await s.stop()
    await s.stop()  # twice is harmless


async def test_a_lasting_failure_is_logged_once_and_its_end_too(
    caplog: pytest.LogCaptureFixture,
) -> None:
    api, clock = FakeApi(), Clock()
    s = sampler(api, clock)
    caplog.set_level("INFO", logger="console.statistics")
    for _ in range(3):
        api.add({"message": "Jwt is missing"}, status=401)
        await s.sample()
    api.add(figures(1))
    await s.sample()
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "statistics samples fail: 401 Jwt is missing",
        "statistics samples work again",
    ]
