"""Microbenchmarks of the edge's per-message work, without sockets or services:
``python -m bench.micro [--iterations N]``, one line per OCPP version and action.

For each message a load station sends (the payloads come from
:mod:`simulator.load`'s own steps), the edge's functions are timed in the order its
session runs them (:meth:`edge.inbound_calls.InboundCalls.answer`):

- ``validate``: the frame parsed (:func:`edge.framing.parse`) and the CALL's payload
  checked against the version's JSON schema as the session checks it
  (:class:`edge.payload_schema.CompiledSchemas`);
- ``translate``: the payload turned into the service's protobuf request and the
  service's reply into the OCPP answer (``edge.v16.translate``, ``edge.v201.translate``);
- ``answer``: the answer checked against its schema and framed as a CALLRESULT.

Figures are microseconds per message on this machine, printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from ocpp.charge_point import (
    camel_to_snake_case,
    remove_nones,
    serialize_as_dict,
    snake_to_camel_case,
)
from ocpp.messages import Call, CallResult
from ocpp.v16 import call_result as result16
from ocpp.v201 import call, call_result, datatypes

from csms.auth.v1 import auth_pb2
from csms.chargepoint.v1 import chargepoint_pb2
from csms.transaction.v1 import transaction_pb2
from edge import framing
from edge.ocpp_version import OCPP16, OCPP201, OcppVersion
from edge.payload_schema import CompiledSchemas
from edge.v16 import translate as t16
from edge.v201 import translate as t201
from edge.v201.translate import Vocabulary
from simulator.load.moment import now
from simulator.load.station_v2 import StationV2
from simulator.load.station_v16 import StationV16

CHARGE_POINT = "MICRO-1"
WORDS = Vocabulary(call, call_result, datatypes)
DEFAULT_ITERATIONS = 2000

Payload = dict[str, Any]


def _timestamp() -> Timestamp:
    stamp = Timestamp()
    stamp.GetCurrentTime()
    return stamp


ACCEPTED_INFO = auth_pb2.IdTokenInfo(status=auth_pb2.IdTokenInfo.ACCEPTED)
BOOT_REPLY = chargepoint_pb2.RecordBootResponse(
    status=chargepoint_pb2.ChargePoint.ACCEPTED, current_time=_timestamp(), interval_seconds=300
)
HEARTBEAT_REPLY = chargepoint_pb2.RecordHeartbeatResponse(current_time=_timestamp())
AUTHORIZE_REPLY = auth_pb2.AuthorizeResponse(id_token_info=ACCEPTED_INFO)
START_REPLY = transaction_pb2.StartTransactionResponse(
    transaction=transaction_pb2.Transaction(id=1), id_token_info=ACCEPTED_INFO
)
STOP_REPLY = transaction_pb2.StopTransactionResponse(id_token_info=ACCEPTED_INFO)
EVENT_REPLY = transaction_pb2.RecordTransactionEventResponse(id_token_info=ACCEPTED_INFO)


@dataclass(frozen=True)
class Translation:
    """An action's way through the edge: payload (snake_case) to request, reply to
    answer."""

    request: Callable[[Payload], Message]
    reply: Message | None
    answer: Callable[[Any], Any]


# What the edge's session does per action (edge/v16/session.py, edge/v201/session.py).
V16: dict[str, Translation] = {
    "BootNotification": Translation(
        lambda p: t16.boot_request(CHARGE_POINT, p), BOOT_REPLY, t16.boot_result
    ),
    "Heartbeat": Translation(
        lambda p: t16.heartbeat_request(CHARGE_POINT), HEARTBEAT_REPLY, t16.heartbeat_result
    ),
    "StatusNotification": Translation(
        lambda p: t16.status_request(CHARGE_POINT, p, datetime.now(UTC)),
        None,
        lambda _: result16.StatusNotification(),
    ),
    "Authorize": Translation(
        lambda p: t16.authorize_request(CHARGE_POINT, p), AUTHORIZE_REPLY, t16.authorize_result
    ),
    "StartTransaction": Translation(
        lambda p: t16.start_transaction_request(CHARGE_POINT, p),
        START_REPLY,
        t16.start_transaction_result,
    ),
    "MeterValues": Translation(
        lambda p: t16.meter_values_request(CHARGE_POINT, p),
        None,
        lambda _: result16.MeterValues(),
    ),
    "StopTransaction": Translation(
        lambda p: t16.stop_transaction_request(CHARGE_POINT, p),
        STOP_REPLY,
        t16.stop_transaction_result,
    ),
}

V201: dict[str, Translation] = {
    "BootNotification": Translation(
        lambda p: t201.boot_request(CHARGE_POINT, "2.0.1", p),
        BOOT_REPLY,
        lambda r: t201.boot_result(r, WORDS),
    ),
    "Heartbeat": Translation(
        lambda p: t201.heartbeat_request(CHARGE_POINT),
        HEARTBEAT_REPLY,
        lambda r: t201.heartbeat_result(r, WORDS),
    ),
    "StatusNotification": Translation(
        lambda p: t201.status_request(CHARGE_POINT, p),
        None,
        lambda _: call_result.StatusNotification(),
    ),
    "Authorize": Translation(
        lambda p: t201.authorize_request(CHARGE_POINT, p),
        AUTHORIZE_REPLY,
        lambda r: t201.authorize_result(r, WORDS),
    ),
    "TransactionEvent": Translation(
        lambda p: t201.transaction_event_request(CHARGE_POINT, "2.0.1", p),
        EVENT_REPLY,
        lambda r: t201.transaction_event_result(r, WORDS),
    ),
    "MeterValues": Translation(
        lambda p: t201.meter_values_request(CHARGE_POINT, p),
        None,
        lambda _: call_result.MeterValues(),
    ),
}


@dataclass(frozen=True)
class Case:
    version: OcppVersion
    action: str
    label: str
    payload: Payload
    translation: Translation


class Capture:
    """A caller that keeps what the steps send and answers like an accepting CSMS."""

    ANSWERS: dict[str, Payload] = {
        "BootNotification": {"status": "Accepted", "interval": 300, "currentTime": now()},
        "StartTransaction": {"transactionId": 1, "idTagInfo": {"status": "Accepted"}},
    }

    def __init__(self) -> None:
        self.sent: list[tuple[str, Payload]] = []

    async def call(self, action: str, payload: Payload) -> Payload:
        self.sent.append((action, payload))
        return self.ANSWERS.get(action, {})


async def _session(steps: StationV16 | StationV2) -> list[tuple[str, Payload]]:
    """Every message of a load station's session: boot to stop."""
    capture = Capture()
    await steps.boot(capture)
    await steps.report(capture, "Available")
    await steps.heartbeat(capture)
    await steps.authorize(capture, "MICRO-TAG")
    await steps.start(capture, "MICRO-TAG", 0)
    await steps.meter(capture, 250)
    await steps.stop(capture, "MICRO-TAG", 500)
    return capture.sent


def cases() -> list[Case]:
    """One case per distinct message of a 1.6 and a 2.0.1 session (a TransactionEvent
    per eventType), and 2.0.1 MeterValues, which a transaction does not send."""
    found: list[Case] = []
    plans = (
        (OCPP16, V16, StationV16()),
        (OCPP201, V201, StationV2("ocpp2.0.1")),
    )
    for version, table, steps in plans:
        seen: set[str] = set()
        for action, payload in asyncio.run(_session(steps)):
            label = action
            if action == "TransactionEvent":
                label = f"{action}({payload['eventType']})"
            if label in seen or action not in table:
                continue
            seen.add(label)
            found.append(Case(version, action, label, payload, table[action]))
    sample = {
        "timestamp": now(),
        "sampledValue": [{"value": 250.0, "measurand": "Energy.Active.Import.Register"}],
    }
    found.append(
        Case(
            OCPP201,
            "MeterValues",
            "MeterValues",
            {"evseId": 1, "meterValue": [sample]},
            V201["MeterValues"],
        )
    )
    return found


@dataclass(frozen=True)
class Timing:
    validate_us: float
    translate_us: float
    answer_us: float

    @property
    def total_us(self) -> float:
        return self.validate_us + self.translate_us + self.answer_us


def measure(case: Case, iterations: int) -> Timing:
    """Mean microseconds of each stage over ``iterations`` messages (after one
    untimed pass that builds the compiled validators)."""
    frame = Call("1", case.action, case.payload).to_json()
    version, translation = case.version, case.translation
    schemas = CompiledSchemas()
    clock = time.perf_counter
    spent = [0.0, 0.0, 0.0]
    for i in range(iterations + 1):
        t0 = clock()
        message = framing.parse(frame)
        assert isinstance(message, Call)
        problem = schemas.violation(message, case.action, version)
        t1 = clock()
        translation.request(camel_to_snake_case(message.payload))
        answer = translation.answer(translation.reply)
        payload = snake_to_camel_case(remove_nones(serialize_as_dict(answer)))
        t2 = clock()
        result = CallResult(message.unique_id, payload, action=case.action)
        mistake = schemas.violation(result, case.action, version)
        result.to_json()
        t3 = clock()
        if problem is not None or mistake is not None:
            raise AssertionError(f"{case.label}: {problem or mistake}")
        if i:
            spent[0] += t1 - t0
            spent[1] += t2 - t1
            spent[2] += t3 - t2
    scale = 1e6 / iterations
    return Timing(spent[0] * scale, spent[1] * scale, spent[2] * scale)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.micro", description=__doc__)
    parser.add_argument(
        "--iterations",
        type=int,
        default=DEFAULT_ITERATIONS,
        help="messages per action (default %(default)s)",
    )
    args = parser.parse_args(argv)
    if args.iterations < 1:
        parser.error("--iterations must be at least 1")
    for case in cases():
        timing = measure(case, args.iterations)
        print(
            f"micro {case.version.name:<5} {case.label:<28} "
            f"validate {timing.validate_us:8.1f} us  translate {timing.translate_us:8.1f} us  "
            f"answer {timing.answer_us:8.1f} us  total {timing.total_us:8.1f} us",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
