"""Log requests, customer information and display messages over the in-memory adapters,
with a scripted station port."""

from __future__ import annotations

import functools
from datetime import UTC, datetime

import pytest

from chargepoint_svc.adapters.memory import MemoryStore, MemoryUnitOfWork
from chargepoint_svc.domain.charge_point import Admission
from chargepoint_svc.domain.display_messages import DisplayMessage
from chargepoint_svc.domain.station_requests import RequestKind, RequestReport, StationRequest
from chargepoint_svc.errors import StationRequestNotFound
from chargepoint_svc.use_cases import ChargePointUseCases
from chargepoint_svc.use_cases.display_messages import DisplayMessageUseCases
from chargepoint_svc.use_cases.station_requests import StationRequestUseCases
from servicekit.charge_point_policy import AdmissionPolicy, BaseReportPolicy
from servicekit.clock import FixedClock
from servicekit.edge_errors import StationNotConnected

pytestmark = pytest.mark.unit

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CP = "CP-1"


class ScriptedStations:
    """Answers from ``answers`` by call (default "Accepted"); raises what it is given."""

    def __init__(self) -> None:
        self.answers: dict[str, list[str | Exception]] = {}
        self.sent: list[tuple[str, object]] = []

    def _next(self, name: str, what: object) -> str:
        self.sent.append((name, what))
        queue = self.answers.get(name) or ["Accepted"]
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def get_log(self, request: StationRequest) -> tuple[str, str]:
        return self._next("get_log", request), f"log-{request.request_id}"

    async def customer_information(self, request: StationRequest) -> str:
        return self._next("customer_information", request)

    async def set_display_message(self, charge_point_id: str, message: DisplayMessage) -> str:
        return self._next("set_display_message", message)

    async def get_display_messages(self, request: StationRequest) -> str:
        return self._next("get_display_messages", request)

    async def clear_display_message(self, charge_point_id: str, message_id: int) -> str:
        return self._next("clear_display_message", message_id)


@pytest.fixture
async def harness() -> tuple[StationRequestUseCases, DisplayMessageUseCases, ScriptedStations]:
    store = MemoryStore()
    clock = FixedClock(T0)
    admission = Admission(AdmissionPolicy.OPEN, 300, 60, BaseReportPolicy.NEVER)
    await ChargePointUseCases(
        lambda: MemoryUnitOfWork(store), clock, admission
    ).create_charge_point(CP)
    stations = ScriptedStations()
    requests = StationRequestUseCases(lambda: MemoryUnitOfWork(store), clock, stations)
    display = DisplayMessageUseCases(lambda: MemoryUnitOfWork(store), stations, requests)
    return requests, display, stations


def _part(now: datetime, *, seq_no: int, data: str, tbc: bool) -> RequestReport:
    return RequestReport(received_at=now, seq_no=seq_no, data=data, tbc=tbc)


Harness = tuple[StationRequestUseCases, DisplayMessageUseCases, ScriptedStations]


async def test_log_statuses_follow_their_request_or_the_latest(harness: Harness) -> None:
    requests, _, _ = harness
    first = await requests.request_log(CP, {"location": "ftp://x/"}, "ops")
    await requests.request_log(CP, {"location": "ftp://y/"}, "")
    assert first.request.file_name == "log-1"
    assert await requests.record_log_status(CP, 1, "Uploaded")
    assert await requests.record_log_status(CP, 0, "Uploading")  # 1.6: the latest, 2
    assert not await requests.record_log_status(CP, 9, "Uploaded")
    # A triggered Idle describes the station, not its latest request.
    assert not await requests.record_log_status(CP, 0, "Idle")
    assert [r.status for r in (await requests.get(CP, RequestKind.LOG, 1)).reports] == ["Uploaded"]
    assert [r.status for r in (await requests.get(CP, RequestKind.LOG, 2)).reports] == ["Uploading"]
    newest = await requests.page(CP, RequestKind.LOG, None, 10)
    assert [found.request.request_id for found in newest] == [2, 1]


async def test_a_request_that_could_not_be_sent_is_kept_as_not_sent(harness: Harness) -> None:
    requests, _, stations = harness
    stations.answers["get_log"] = [StationNotConnected(CP, "no socket")]
    with pytest.raises(StationNotConnected):
        await requests.request_log(CP, {"location": "ftp://x/"}, "")
    kept = (await requests.get(CP, RequestKind.LOG, 1)).request
    assert kept.answer == "NotSent" and "not connected" in kept.error
    with pytest.raises(StationRequestNotFound):
        await requests.get(CP, RequestKind.CUSTOMER_INFORMATION, 1)


async def test_customer_information_parts_are_kept_with_the_request(harness: Harness) -> None:
    requests, _, _ = harness
    sent = await requests.request_customer_information(CP, {"report": True, "id_token": "T"}, "")
    request_id = sent.request.request_id
    for seq_no, data, tbc in ((1, "b", False), (0, "a", True)):
        await requests.record_customer_information(
            CP, request_id, functools.partial(_part, seq_no=seq_no, data=data, tbc=tbc)
        )
    assembled = (await requests.get(CP, RequestKind.CUSTOMER_INFORMATION, request_id)).assembled()
    assert (assembled.data, assembled.complete) == ("ab", True)


async def test_the_display_store_follows_the_station(harness: Harness) -> None:
    _, display, stations = harness
    welcome = DisplayMessage(id=1, priority="IN_FRONT", content="Welcome")
    assert await display.set_message(CP, welcome) == "Accepted"
    stations.answers["set_display_message"] = ["Rejected"]
    assert await display.set_message(
        CP, DisplayMessage(id=2, priority="IN_FRONT", content="x")
    ) == ("Rejected")
    assert await display.messages(CP) == [welcome]
    reported = DisplayMessage(id=3, priority="NORMAL_CYCLE", content="Reported")
    await display.record_report(CP, 5, [reported])
    assert [m.id for m in await display.messages(CP)] == [1, 3]
    stations.answers["clear_display_message"] = ["Unknown"]
    assert await display.clear_message(CP, 1) == "Unknown"
    assert await display.messages(CP) == [reported]
    stations.answers["get_display_messages"] = ["Unknown"]
    assert await display.request_report(CP, [], "", "") == ("Unknown", 1)
    assert await display.messages(CP) == []


async def test_what_a_station_reports_is_bounded(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ADR 0013: a flood of reports or of new display message ids is not all kept."""
    requests, display, _ = harness
    monkeypatch.setattr("chargepoint_svc.use_cases.station_requests.REPORTS_PER_REQUEST", 2)
    monkeypatch.setattr("chargepoint_svc.use_cases.display_messages.MESSAGES_PER_STATION", 2)
    await requests.request_log(CP, {"location": "ftp://x/"}, "")
    kept = [await requests.record_log_status(CP, 1, status) for status in ("A", "B", "C")]
    assert kept == [True, True, False]
    flood = [DisplayMessage(id=i, priority="IN_FRONT", content="x") for i in range(4)]
    await display.record_report(CP, 1, flood)
    await display.record_report(CP, 2, [DisplayMessage(id=1, priority="IN_FRONT", content="new")])
    assert [(m.id, m.content) for m in await display.messages(CP)] == [(0, "x"), (1, "new")]
