"""Prometheus metrics of one process, and the HTTP endpoint that serves them.

Every metric the CSMS exports is defined here, so the catalogue in
``docs/production.md`` ("Metrics") has one source. A process has one
:class:`ProcessMetrics`, with its own ``CollectorRegistry`` (never prometheus-client's
global default, so tests that run several components in one process do not share
counters), built by the composition root (:mod:`launcher.components`) and *installed* for
the component's run with :func:`installed`.

Installing rather than passing down: gRPC servers and channels are built deep inside each
service's own composition root, by :func:`servicekit.grpc_server.start_server` and
:func:`servicekit.channels.open_channel`; they, and the edge's
:class:`~edge.statistics.TrafficStatistics`, read :func:`current` when they are built.
The value lives in a ``ContextVar``: it is set for the task that runs the component (and
the tasks and callbacks it starts), and nowhere else, so nothing outside a running
component (a test, a tool) ever sees it. Nothing installed: nothing is measured.

Names follow Prometheus' conventions: the ``csms_`` prefix, the unit in the name
(``_seconds``, ``_total``), and labels with a bounded set of values (a method, a status
code, an OCPP action or error code, never a charge point id).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

# Seconds: from a fast in-memory answer (~1 ms) to a call that hits the gRPC deadline.
LATENCY_BUCKETS = (
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
)

# Seconds a scrape waits for the event loop to count the live sessions.
READ_TIMEOUT = 2.0

# The direction of an OCPP CALL: a station's, answered by the CSMS, or the CSMS's own.
RECEIVED = "received"
SENT = "sent"

# csms_database_errors_total{kind}: the database could not be used (retry later), or it
# refused a statement (a bug).
UNAVAILABLE = "unavailable"
REFUSED = "refused"


@dataclass(frozen=True)
class GrpcMetrics:
    """gRPC calls served and made, and the database failures behind them."""

    server_seconds: Histogram
    client_seconds: Histogram
    database_errors: Counter

    @classmethod
    def register(cls, registry: CollectorRegistry) -> GrpcMetrics:
        return cls(
            server_seconds=Histogram(
                "csms_grpc_server_handling_seconds",
                "Time a unary gRPC call took to answer in this process, by method and status.",
                ["service", "method", "code"],
                registry=registry,
                buckets=LATENCY_BUCKETS,
            ),
            client_seconds=Histogram(
                "csms_grpc_client_handling_seconds",
                "Time a unary gRPC call this process made took to complete, by method and status.",
                ["service", "method", "code"],
                registry=registry,
                buckets=LATENCY_BUCKETS,
            ),
            database_errors=Counter(
                "csms_database_errors_total",
                "Calls that failed on the service's database: unavailable (unreachable, lost,"
                " timed out; answered UNAVAILABLE) or refused (a statement it rejected;"
                " answered INTERNAL).",
                ["service", "kind"],
                registry=registry,
            ),
        )


class MethodSeconds:
    """A ``{service, method, code}`` histogram, observed by full gRPC method path
    (``/pkg.Service/Method``); label children are cached, since ``labels()`` takes a lock
    and builds a key on every call."""

    def __init__(self, seconds: Histogram) -> None:
        self._seconds = seconds
        self._children: dict[tuple[str, str], Histogram] = {}

    def observe(self, method: str, code: str, seconds: float) -> None:
        child = self._children.get((method, code))
        if child is None:
            service, _, name = method.strip("/").partition("/")
            child = self._children[(method, code)] = self._seconds.labels(service, name, code)
        child.observe(seconds)


@dataclass(frozen=True)
class OcppMetrics:
    """The edge's OCPP traffic; fed only by :class:`edge.statistics.TrafficStatistics`."""

    call_seconds: Histogram
    unanswered_calls: Counter
    call_errors_sent: Counter
    call_errors_received: Counter
    frames_received: Counter
    frames_sent: Counter
    connections_opened: Counter
    connections_closed: Counter
    connections_rejected: Counter

    @classmethod
    def register(cls, registry: CollectorRegistry) -> OcppMetrics:
        def counter(name: str, documentation: str, labels: Iterable[str] = ()) -> Counter:
            return Counter(name, documentation, list(labels), registry=registry)

        return cls(
            call_seconds=Histogram(
                "csms_ocpp_call_seconds",
                "Time from an OCPP CALL to its answer (CALLRESULT or CALLERROR), by action and"
                " direction: received (a station's CALL, answered by the CSMS) or sent (the"
                " CSMS's CALL, answered by the station).",
                ["action", "direction"],
                registry=registry,
                buckets=LATENCY_BUCKETS,
            ),
            unanswered_calls=counter(
                "csms_ocpp_unanswered_calls_total",
                "CALLs the CSMS sent that the station never answered (timeout, disconnect).",
                ["action"],
            ),
            call_errors_sent=counter(
                "csms_ocpp_call_errors_sent_total",
                "CALLERRORs the edge answered stations' CALLs with, by OCPP error code.",
                ["code"],
            ),
            call_errors_received=counter(
                "csms_ocpp_call_errors_received_total",
                "CALLERRORs stations answered the CSMS's CALLs with, by action.",
                ["action"],
            ),
            frames_received=counter(
                "csms_ocpp_frames_received_total", "OCPP-J messages received from stations."
            ),
            frames_sent=counter("csms_ocpp_frames_sent_total", "OCPP-J messages sent to stations."),
            connections_opened=counter(
                "csms_ocpp_connections_opened_total", "WebSocket sessions that began."
            ),
            connections_closed=counter(
                "csms_ocpp_connections_closed_total", "WebSocket sessions that ended."
            ),
            connections_rejected=counter(
                "csms_ocpp_connections_rejected_total",
                "WebSocket handshakes the edge refused (bad URL or subprotocol, unknown or"
                " unauthenticated charge point).",
            ),
        )


class ActiveConnections(Collector):
    """``csms_ocpp_connections_active{version}``, read from the live sessions at each
    scrape, so it can never drift from them (GET /statistics reads the same).

    The scrape runs in the endpoint's thread, and the sessions belong to the event loop:
    ``read`` runs on ``loop``, and a loop too busy to answer within
    :data:`READ_TIMEOUT` leaves the gauge out of that one scrape.
    """

    def __init__(
        self,
        read: Callable[[], Mapping[str, int]],
        versions: Iterable[str],
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self._read = read
        # Every supported version is reported, 0 included, so a graph starts at zero.
        self._versions = tuple(versions)
        self._loop = loop

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "csms_ocpp_connections_active",
            "Charge points connected to this edge process now, by OCPP version.",
            labels=["version"],
        )
        answer: concurrent.futures.Future[Mapping[str, int]] = concurrent.futures.Future()

        def read() -> None:
            try:
                answer.set_result(self._read())
            except Exception as error:  # handed to the scrape thread, which logs it
                answer.set_exception(error)

        try:
            self._loop.call_soon_threadsafe(read)
            counted = answer.result(READ_TIMEOUT)
        except (concurrent.futures.TimeoutError, RuntimeError):  # busy, or loop closed
            return
        counts = dict.fromkeys(self._versions, 0)
        counts.update(counted)
        for version, count in sorted(counts.items()):
            family.add_metric([version], count)
        yield family


class ProcessMetrics:
    """One process's registry and the metrics registered on it."""

    def __init__(self, component: str) -> None:
        self.component = component
        self.registry = CollectorRegistry()
        self.grpc = GrpcMetrics.register(self.registry)
        self._ocpp: OcppMetrics | None = None

    def ocpp(self) -> OcppMetrics:
        """The edge's OCPP metrics, registered on first use (only the edge uses them)."""
        if self._ocpp is None:
            self._ocpp = OcppMetrics.register(self.registry)
        return self._ocpp

    def watch_connections(
        self, read: Callable[[], Mapping[str, int]], versions: Iterable[str]
    ) -> None:
        """Report ``read()`` (connections by version), run on the calling event loop."""
        self.registry.register(ActiveConnections(read, versions, asyncio.get_running_loop()))


_CURRENT: ContextVar[ProcessMetrics | None] = ContextVar("csms_process_metrics", default=None)


def current() -> ProcessMetrics | None:
    """The metrics installed for the running component, if any."""
    return _CURRENT.get()


@contextmanager
def installed(metrics: ProcessMetrics) -> Iterator[ProcessMetrics]:
    """Make ``metrics`` :func:`current` in this context until the block ends."""
    token = _CURRENT.set(metrics)
    try:
        yield metrics
    finally:
        _CURRENT.reset(token)


@dataclass
class MetricsEndpoint:
    """A running ``/metrics`` HTTP server (prometheus-client's, in a daemon thread:
    a scrape never waits for the event loop, and reads the metrics under their locks)."""

    host: str
    port: int
    _server: WSGIServer
    _thread: threading.Thread

    async def stop(self) -> None:
        # shutdown() waits for the serving loop's next poll (up to half a second).
        await asyncio.to_thread(self._server.shutdown)
        self._server.server_close()
        self._thread.join(timeout=5)


def serve(metrics: ProcessMetrics, host: str, port: int) -> MetricsEndpoint:
    """Serve ``metrics`` on ``http://host:port/metrics`` (port 0: a free one); raise
    OSError when the port cannot be bound."""
    server, thread = start_http_server(port, addr=host, registry=metrics.registry)
    return MetricsEndpoint(host, int(server.server_port), server, thread)
