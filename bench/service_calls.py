"""The services alone: ``python -m bench.service_calls [--calls N] [--concurrency 1,16]``.

Starts the CSMS (``csms up``, as :mod:`bench.run` does) and calls the services' gRPC
methods that the edge calls for every station message, directly, without the edge or a
WebSocket in the way: RecordHeartbeat and RecordConnectorStatus (chargepoint_svc),
StartTransaction (after a StopTransaction; transaction_svc asks auth_svc about the
identifier), RecordMeterValues and RecordTransactionEvent (transaction_svc). Each line
is one method at one concurrency: calls/s achieved, the latency seen by the caller
(p50/p99, nearest rank), and the CPU the serving process spent per call (from
``/proc``, so gRPC, the service's Python and the database driver; SQLite runs inside
the service, PostgreSQL does not).

This is the "services" column of S3 (:mod:`bench.cpu_split`) taken apart method by
method, for profiling and for before/after comparisons of the services' storage path.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from bench import processes, system
from bench.figures import percentile
from csms.chargepoint.v1 import chargepoint_pb2, chargepoint_pb2_grpc
from csms.common.v1 import meter_pb2
from csms.transaction.v1 import transaction_pb2, transaction_pb2_grpc

if TYPE_CHECKING:
    from csms.chargepoint.v1.chargepoint_pb2_grpc import ChargePointServiceAsyncStub
    from csms.transaction.v1.transaction_pb2_grpc import TransactionServiceAsyncStub

DEFAULT_CALLS = 600
DEFAULT_CONCURRENCY = (1, 16)
CALL_TIMEOUT = 30.0


@dataclass(frozen=True)
class Measured:
    method: str
    service: str
    concurrency: int
    calls: int
    seconds: float
    latencies: list[float]
    cpu_seconds: float

    def line(self) -> str:
        p50 = (percentile(self.latencies, 50) or 0.0) * 1000
        p99 = (percentile(self.latencies, 99) or 0.0) * 1000
        return (
            f"services {self.method:<22} in flight {self.concurrency:>3}: "
            f"{self.calls / self.seconds:7.0f} calls/s, "
            f"p50 {p50:6.1f} ms, p99 {p99:6.1f} ms, "
            f"{self.service} CPU {self.cpu_seconds / self.calls * 1e6:6.0f} µs/call"
        )


def _now() -> Timestamp:
    stamp = Timestamp()
    stamp.GetCurrentTime()
    return stamp


def _sample(value: float) -> meter_pb2.MeterValue:
    return meter_pb2.MeterValue(
        timestamp=_now(),
        sampled_values=[
            meter_pb2.SampledValue(
                value=value, measurand="Energy.Active.Import.Register", unit="Wh"
            ),
            meter_pb2.SampledValue(value=7200.0, measurand="Power.Active.Import", unit="W"),
        ],
    )


def _tag(charge_point_id: str) -> str:
    return "T" + charge_point_id[-15:]


class ServiceCalls:
    """The calls of one concurrency level: ``concurrency`` charge points, each with one
    call in flight at a time (as stations have), ``calls`` calls per method."""

    def __init__(
        self,
        running: system.Running,
        channels: tuple[grpc.aio.Channel, grpc.aio.Channel],
        calls: int,
        concurrency: int,
    ) -> None:
        self.pids = running.pids()
        self.calls = calls
        self.concurrency = concurrency
        self.ids = [f"SVC{concurrency}-{index:05d}" for index in range(concurrency)]
        self.stations: ChargePointServiceAsyncStub = chargepoint_pb2_grpc.ChargePointServiceStub(
            channels[0]
        )
        self.transactions: TransactionServiceAsyncStub = (
            transaction_pb2_grpc.TransactionServiceStub(channels[1])
        )
        self.open: dict[str, int] = {}
        self.sequence: dict[str, int] = {}

    async def boot(self) -> None:
        for charge_point_id in self.ids:
            request = chargepoint_pb2.RecordBootRequest(
                charge_point_id=charge_point_id, ocpp_version="1.6", vendor="bench", model="svc"
            )
            await self.stations.RecordBoot(request, timeout=CALL_TIMEOUT)

    async def all_methods(self) -> list[Measured]:
        chargepoint = ("chargepoint", self.pids["chargepoint"])
        transaction = ("transaction", self.pids["transaction"])
        return [
            await self.measure("RecordHeartbeat", chargepoint, self.heartbeat),
            await self.measure("RecordConnectorStatus", chargepoint, self.status),
            # Each start follows a stop of the station's open transaction, if any.
            await self.measure("Stop+StartTransaction", transaction, self.start),
            await self.measure("RecordMeterValues", transaction, self.meter_values),
            # 2.0.1: one transaction per station, then periodic Updated events in it.
            await self.measure("TransactionEvent Updated", transaction, self.event),
        ]

    async def measure(
        self, method: str, service: tuple[str, int], call: Callable[[str, int], Awaitable[None]]
    ) -> Measured:
        """``call(charge_point_id, n)`` for n in range(calls), with the serving process's
        CPU before and after."""
        latencies: list[float] = []
        numbers = iter(range(self.calls))

        async def station(charge_point_id: str) -> None:
            for number in numbers:
                began = time.perf_counter()
                await call(charge_point_id, number)
                latencies.append(time.perf_counter() - began)

        name, pid = service
        before = processes.read(pid)
        began = time.perf_counter()
        await asyncio.gather(*(station(charge_point_id) for charge_point_id in self.ids))
        seconds = time.perf_counter() - began
        after = processes.read(pid)
        cpu = (after.cpu_seconds - before.cpu_seconds) if before and after else float("nan")
        return Measured(method, name, self.concurrency, self.calls, seconds, latencies, cpu)

    async def heartbeat(self, charge_point_id: str, _: int) -> None:
        request = chargepoint_pb2.RecordHeartbeatRequest(charge_point_id=charge_point_id)
        await self.stations.RecordHeartbeat(request, timeout=CALL_TIMEOUT)

    async def status(self, charge_point_id: str, number: int) -> None:
        connector = chargepoint_pb2.Connector
        request = chargepoint_pb2.RecordConnectorStatusRequest(
            charge_point_id=charge_point_id,
            evse_id=1,
            connector_id=1,
            status=connector.AVAILABLE if number % 2 else connector.CHARGING,
            error_code="NoError",
            timestamp=_now(),
        )
        await self.stations.RecordConnectorStatus(request, timeout=CALL_TIMEOUT)

    async def start(self, charge_point_id: str, _: int) -> None:
        await self.stop(charge_point_id)
        request = transaction_pb2.StartTransactionRequest(
            charge_point_id=charge_point_id,
            evse_id=1,
            connector_id=1,
            id_tag=_tag(charge_point_id),
            meter_start_wh=1000.0,
            timestamp=_now(),
            ocpp_version="1.6",
        )
        reply = await self.transactions.StartTransaction(request, timeout=CALL_TIMEOUT)
        self.open[charge_point_id] = reply.transaction.id

    async def stop(self, charge_point_id: str) -> None:
        transaction_id = self.open.pop(charge_point_id, None)
        if transaction_id is not None:
            request = transaction_pb2.StopTransactionRequest(
                charge_point_id=charge_point_id,
                transaction_id=transaction_id,
                meter_stop_wh=9000.0,
                timestamp=_now(),
                reason=transaction_pb2.Transaction.LOCAL,
            )
            await self.transactions.StopTransaction(request, timeout=CALL_TIMEOUT)

    async def meter_values(self, charge_point_id: str, number: int) -> None:
        request = transaction_pb2.RecordMeterValuesRequest(
            charge_point_id=charge_point_id,
            evse_id=1,
            connector_id=1,
            transaction_id=self.open[charge_point_id],
            meter_values=[_sample(1000.0 + number)],
        )
        await self.transactions.RecordMeterValues(request, timeout=CALL_TIMEOUT)

    async def event(self, charge_point_id: str, number: int) -> None:
        sequence = self.sequence.get(charge_point_id, 0)
        self.sequence[charge_point_id] = sequence + 1
        kind = transaction_pb2.RecordTransactionEventRequest
        request = kind(
            charge_point_id=charge_point_id,
            ocpp_version="2.0.1",
            event_type=kind.UPDATED if sequence else kind.STARTED,
            timestamp=_now(),
            trigger_reason="MeterValuePeriodic" if sequence else "Authorized",
            seq_no=sequence,
            station_transaction_id=f"{charge_point_id}-TX",
            charging_state="Charging",
            evse_id=1,
            connector_id=1,
            id_tag="" if sequence else _tag(charge_point_id),
            id_token_type="" if sequence else "ISO14443",
            meter_values=[_sample(1000.0 + number)],
        )
        await self.transactions.RecordTransactionEvent(request, timeout=CALL_TIMEOUT)


async def _run(running: system.Running, calls: int, levels: Sequence[int]) -> list[Measured]:
    env = running.env
    results: list[Measured] = []
    async with (
        grpc.aio.insecure_channel(f"127.0.0.1:{env['CSMS_CHARGEPOINT_GRPC_PORT']}") as stations,
        grpc.aio.insecure_channel(f"127.0.0.1:{env['CSMS_TRANSACTION_GRPC_PORT']}") as sessions,
    ):
        for concurrency in levels:
            level = ServiceCalls(running, (stations, sessions), calls, concurrency)
            await system.register_id_tags_async(running.auth_address, list(map(_tag, level.ids)))
            await level.boot()
            results.extend(await level.all_methods())
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.service_calls", description=__doc__)
    parser.add_argument("--calls", type=int, default=DEFAULT_CALLS, help="per method and level")
    parser.add_argument(
        "--concurrency",
        default=",".join(map(str, DEFAULT_CONCURRENCY)),
        help="calls in flight, comma-separated levels (default %(default)s)",
    )
    parser.add_argument("--database", metavar="URL", help="csms up --database (default SQLite)")
    parser.add_argument("--keep", metavar="DIR", help="keep logs and data in DIR")
    args = parser.parse_args(argv)
    levels = [int(level) for level in args.concurrency.split(",") if level.strip()]
    up_args = ["--database", args.database] if args.database else []
    with tempfile.TemporaryDirectory(prefix="csms-bench-") as scratch:
        work = Path(args.keep) if args.keep else Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        with system.csms(work, up_args) as running:
            for result in asyncio.run(_run(running, args.calls, levels)):
                print(result.line(), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
