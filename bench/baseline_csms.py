# The library's @on decorator is untyped; the handlers are written as its README shows.
# mypy: disable-error-code="untyped-decorator"
"""The baseline CSMS: the smallest single-process central system a user would write with
the ``ocpp`` library and ``websockets``, every setting left at the libraries' defaults
(the ``ocpp`` library validates each message against its JSON schema in the event
loop's default thread pool; websockets' default limits and keepalive pings).

It accepts every charge point and every identifier, answers the messages a charging
session sends (OCPP 1.6: BootNotification, Heartbeat, StatusNotification, Authorize,
StartTransaction, MeterValues, StopTransaction; OCPP 2.0.1: BootNotification, Heartbeat,
StatusNotification, Authorize, TransactionEvent, MeterValues) and stores nothing. Every
benchmark figure of the CSMS is also printed as a ratio to this one, measured on the
same machine in the same run.

    python -m bench.baseline_csms [--host 127.0.0.1] [--port 9000]

It prints ``listening on ws://HOST:PORT`` once it accepts connections (``--port 0``:
a free port, the one printed).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import logging
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import websockets
from ocpp.routing import on
from ocpp.v16 import ChargePoint as ChargePoint16
from ocpp.v16 import call_result as result16
from ocpp.v16.enums import Action as Action16
from ocpp.v201 import ChargePoint as ChargePoint201
from ocpp.v201 import call_result as result201
from ocpp.v201.enums import Action as Action201
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

HEARTBEAT_INTERVAL = 300
ACCEPTED = {"status": "Accepted"}


def now() -> str:
    return datetime.now(UTC).isoformat()


class CentralSystem16(ChargePoint16):  # type: ignore[misc]
    """One OCPP 1.6 charge point's connection, as the library's README shows it."""

    def __init__(self, charge_point_id: str, connection: Any, transactions: Iterator[int]):
        super().__init__(charge_point_id, connection)
        self.transactions = transactions

    @on(Action16.boot_notification)
    def on_boot_notification(self, **_: Any) -> Any:
        return result16.BootNotification(
            current_time=now(), interval=HEARTBEAT_INTERVAL, status="Accepted"
        )

    @on(Action16.heartbeat)
    def on_heartbeat(self, **_: Any) -> Any:
        return result16.Heartbeat(current_time=now())

    @on(Action16.status_notification)
    def on_status_notification(self, **_: Any) -> Any:
        return result16.StatusNotification()

    @on(Action16.authorize)
    def on_authorize(self, **_: Any) -> Any:
        return result16.Authorize(id_tag_info=ACCEPTED)

    @on(Action16.start_transaction)
    def on_start_transaction(self, **_: Any) -> Any:
        return result16.StartTransaction(
            transaction_id=next(self.transactions), id_tag_info=ACCEPTED
        )

    @on(Action16.meter_values)
    def on_meter_values(self, **_: Any) -> Any:
        return result16.MeterValues()

    @on(Action16.stop_transaction)
    def on_stop_transaction(self, **_: Any) -> Any:
        return result16.StopTransaction(id_tag_info=ACCEPTED)


class CentralSystem201(ChargePoint201):  # type: ignore[misc]
    """One OCPP 2.0.1 charging station's connection."""

    def __init__(self, charge_point_id: str, connection: Any, transactions: Iterator[int]):
        super().__init__(charge_point_id, connection)

    @on(Action201.boot_notification)
    def on_boot_notification(self, **_: Any) -> Any:
        return result201.BootNotification(
            current_time=now(), interval=HEARTBEAT_INTERVAL, status="Accepted"
        )

    @on(Action201.heartbeat)
    def on_heartbeat(self, **_: Any) -> Any:
        return result201.Heartbeat(current_time=now())

    @on(Action201.status_notification)
    def on_status_notification(self, **_: Any) -> Any:
        return result201.StatusNotification()

    @on(Action201.authorize)
    def on_authorize(self, **_: Any) -> Any:
        return result201.Authorize(id_token_info=ACCEPTED)

    @on(Action201.transaction_event)
    def on_transaction_event(self, **_: Any) -> Any:
        return result201.TransactionEvent()

    @on(Action201.meter_values)
    def on_meter_values(self, **_: Any) -> Any:
        return result201.MeterValues()


CENTRAL_SYSTEMS: dict[str, type[CentralSystem16] | type[CentralSystem201]] = {
    "ocpp1.6": CentralSystem16,
    "ocpp2.0.1": CentralSystem201,
}


async def serve(host: str, port: int) -> None:
    transactions = itertools.count(1)

    async def on_connect(connection: ServerConnection) -> None:
        central_system = CENTRAL_SYSTEMS.get(connection.subprotocol or "")
        if central_system is None:
            await connection.close()
            return
        assert connection.request is not None
        charge_point_id = connection.request.path.strip("/").split("/")[-1]
        with contextlib.suppress(ConnectionClosed):
            await central_system(charge_point_id, connection, transactions).start()

    async with websockets.serve(
        on_connect, host, port, subprotocols=[Subprotocol(p) for p in CENTRAL_SYSTEMS]
    ) as server:
        bound = next(iter(server.sockets)).getsockname()[1]
        print(f"listening on ws://{host}:{bound}", flush=True)
        await server.serve_forever()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.baseline_csms", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    args = parser.parse_args(argv)
    # The library logs every frame at INFO; a user's CSMS would run at WARNING.
    logging.basicConfig(level=logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
