"""The transaction service killed (SIGKILL) and restarted on its port while stations send:
each message sent meanwhile is answered InternalError, the stations send it again until
it is accepted (as OCPP stations do), and afterwards the database holds every accepted
message exactly once and no transaction half-stored.

The service runs as its own process (``csms transaction``, what a container runs) so it
can be killed with calls and database transactions in flight; the auth service and the
edge run in this process. OCPP 1.6 stations run StartTransaction, MeterValues and
StopTransaction; OCPP 2.0.1 stations TransactionEvents Started, Updated and Ended. Against
SQLite and PostgreSQL (the ``database_url`` fixture).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy.engine import make_url

from servicekit.settings import Settings
from tests.faults.support.messages import (
    Ledger,
    Session,
    event_201,
    meter_values_16,
    start_16,
    stop_16,
)
from tests.faults.support.stack import (
    ServiceProcess,
    Stored,
    auth_service,
    edges,
    environment,
    migrate_transaction,
    stored,
    until,
)
from tests.faults.support.station import Station

STATIONS_16 = 3
STATIONS_201 = 2
# MeterValues per 1.6 session, Updated events per 2.0.1 session.
READINGS = 3
KILLS = 2
# Between two messages of a station, so that the traffic spans the outages.
PACE = 0.02
# Messages accepted before each kill, and after the last restart before the stations end
# their sessions: the kills land while every station is mid-session.
MESSAGES_BETWEEN_KILLS = 20


def tag_of(station: Station) -> str:
    return f"TAG-{station.charge_point_id}"


async def run_16(station: Station, ledger: Ledger, keep_going: asyncio.Event) -> None:
    """Whole sessions, one after the other, until told to stop (at least one)."""
    number = 0
    while number == 0 or keep_going.is_set():
        at = number * 1000.0
        meter = 100_000.0 * number
        session = Session(station.charge_point_id, meter)
        answer = await station.deliver(
            "StartTransaction", start_16(tag_of(station), int(meter), at)
        )
        ledger.accepted["StartTransaction"] += 1
        transaction_id = answer.payload["transactionId"]
        session.transaction_id = transaction_id
        ledger.sessions.append(session)
        for reading in range(1, READINGS + 1):
            await asyncio.sleep(PACE)
            payload = meter_values_16(transaction_id, at + reading * 60, meter + reading * 100)
            await station.deliver("MeterValues", payload)
            ledger.accepted["MeterValues"] += 1
            session.samples += 2
        await asyncio.sleep(PACE)
        meter_stop = meter + 1000
        await station.deliver("StopTransaction", stop_16(transaction_id, int(meter_stop), at + 600))
        ledger.accepted["StopTransaction"] += 1
        session.samples += 2
        session.meter_stop = meter_stop
        number += 1


async def run_201(station: Station, ledger: Ledger, keep_going: asyncio.Event) -> None:
    number = 0
    while number == 0 or keep_going.is_set():
        at = number * 1000.0
        meter = 100_000.0 * number
        station_transaction_id = f"{station.charge_point_id}-TX-{number}"
        session = Session(station.charge_point_id, meter)
        session.station_transaction_id = station_transaction_id
        events = [
            event_201(
                "Started", station_transaction_id, 0, seconds=at, wh=meter, id_tag=tag_of(station)
            ),
            *(
                event_201(
                    "Updated",
                    station_transaction_id,
                    seq_no,
                    seconds=at + seq_no * 60,
                    wh=meter + seq_no * 100,
                )
                for seq_no in range(1, READINGS + 1)
            ),
            event_201(
                "Ended", station_transaction_id, READINGS + 1, seconds=at + 600, wh=meter + 1000
            ),
        ]
        for event in events:
            await station.deliver("TransactionEvent", event)
            ledger.accepted["TransactionEvent"] += 1
            if event["seqNo"] == 0:
                ledger.sessions.append(session)
            session.seq_nos.append(int(event["seqNo"]))
            session.samples += 1
            await asyncio.sleep(PACE)
        session.meter_stop = meter + 1000
        number += 1


async def kill_and_restart(
    service: ServiceProcess, stations: list[Station], ledger: Ledger
) -> None:
    """Kill the service :data:`KILLS` times, each once the stations are well under way,
    and start it again on its port once every station has been refused meanwhile."""
    for kill in range(1, KILLS + 1):
        before = kill * MESSAGES_BETWEEN_KILLS
        await until(lambda: ledger.total >= before, what=f"traffic before kill {kill}")  # noqa: B023
        service.kill()
        felt = kill * len(stations)
        await until(
            lambda: sum(len(s.internal_errors) for s in stations) >= felt,  # noqa: B023
            what="InternalErrors during the outage",
        )
        await service.start()
    settled = ledger.total + MESSAGES_BETWEEN_KILLS
    await until(lambda: ledger.total >= settled, what="traffic after the last restart")


def check_each_session_stored_once(db: Stored, ledger: Ledger) -> None:
    # One transaction per session a station started, none twice.
    assert len(db.transactions) == len(ledger.sessions)
    by_id = {row.id: row for row in db.transactions}
    by_station_id = {
        row.station_transaction_id: row for row in db.transactions if row.station_transaction_id
    }
    for session in ledger.sessions:
        if session.transaction_id is not None:
            row = by_id[session.transaction_id]
        else:
            row = by_station_id[session.station_transaction_id]
        assert row.charge_point_id == session.charge_point_id
        # Every session ended, with all its stop fields.
        assert row.status == "COMPLETED", row
        assert row.meter_start_wh == session.meter_start
        assert session.meter_stop is not None
        assert row.meter_stop_wh == session.meter_stop
        assert row.stopped_at is not None and row.stop_reason is not None, row
        assert row.energy_wh == session.meter_stop - session.meter_start
        # Each accepted message's samples once.
        assert len(db.samples_of(row.id)) == session.samples, row
        assert [event.seq_no for event in db.events_of(row.id)] == sorted(session.seq_nos)
    assert len(db.meter_reports) == ledger.accepted["MeterValues"]
    assert len(db.meter_values) == sum(session.samples for session in ledger.sessions)


async def test_a_killed_service_costs_retries_and_loses_or_doubles_nothing(
    database_url: str, tmp_path: Path
) -> None:
    await migrate_transaction(database_url)
    env = environment(tmp_path, database_url)
    settings = Settings.from_env(env)
    stations = [Station(f"RS16-{n}", "ocpp1.6") for n in range(STATIONS_16)] + [
        Station(f"RS201-{n}", "ocpp2.0.1") for n in range(STATIONS_201)
    ]
    service = ServiceProcess(env, tmp_path / "transaction.log")
    ledger = Ledger()
    keep_going = asyncio.Event()
    keep_going.set()
    await service.start()
    try:
        async with (
            auth_service(settings, [tag_of(station) for station in stations]),
            edges(settings, 1) as (edge,),
        ):
            for station in stations:
                await station.connect(edge.ws_port)
            runs = [
                asyncio.ensure_future(
                    (run_16 if station.version == "ocpp1.6" else run_201)(
                        station, ledger, keep_going
                    )
                )
                for station in stations
            ]
            try:
                await kill_and_restart(service, stations, ledger)
                # Each station ends the session it is in.
                keep_going.clear()
                await asyncio.wait_for(asyncio.gather(*runs), 60)
            finally:
                for run in runs:
                    run.cancel()
                await asyncio.gather(*runs, return_exceptions=True)
                for station in stations:
                    await station.disconnect()
    finally:
        service.stop()

    internal_errors = [answer for station in stations for answer in station.internal_errors]
    assert internal_errors, "no message met the outage"
    assert {answer.description for answer in internal_errors} == {
        "the transaction service is unavailable; retry later"
    }
    assert service.starts == KILLS + 1
    db = await stored(database_url)
    check_each_session_stored_once(db, ledger)
    # Retries of a message stored before its answer was lost, as the service logged them.
    repeats = service.output().count("repeated ")
    print(
        f"\n{make_url(database_url).get_backend_name()}: {KILLS} kills, {len(internal_errors)} "
        f"InternalErrors answered and retried, {repeats} retries of messages stored already; "
        f"accepted {dict(ledger.accepted)}; the database holds "
        f"{len(db.transactions)} transactions (all COMPLETED), {len(db.meter_values)} meter "
        f"values, {len(db.transaction_events)} transaction events, "
        f"{len(db.meter_reports)} meter reports"
    )
