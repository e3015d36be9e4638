"""The simulator's charging session against the real edge and fake services."""

from __future__ import annotations

import asyncio
from pathlib import Path

import grpc
import pytest

from csms.chargepoint.v1 import chargepoint_pb2
from edge.server import RunningEdge
from simulator import cli
from simulator.session_v16 import Options, ScenarioFailed, run
from tests.support.fake_services import Fakes
from tests.support.ports import free_port

FAST = Options(id_tag="TAG-9", meter_values=2, interval=0.0)


def url(edge: RunningEdge) -> str:
    return f"ws://127.0.0.1:{edge.ws_port}/ocpp"


async def test_the_session_reaches_every_service(edge: RunningEdge, fakes: Fakes) -> None:
    lines: list[str] = []
    summary = await run(url(edge), "SIM-1", FAST, lines.append)

    assert (summary.transaction_id, summary.energy_wh) == (7, 500)
    recorder = fakes.recorder
    assert recorder.methods() == [
        "RecordBoot",
        "RecordConnectorStatus",
        "RecordConnectorStatus",
        "RecordHeartbeat",
        "Authorize",
        "RecordConnectorStatus",
        "StartTransaction",
        "RecordConnectorStatus",
        "RecordMeterValues",
        "RecordMeterValues",
        "StopTransaction",
        "RecordConnectorStatus",
        "RecordConnectorStatus",
    ]
    statuses = [
        (s.evse_id, chargepoint_pb2.Connector.Status.Name(s.status))
        for s in recorder.requests("RecordConnectorStatus")
    ]
    assert statuses == [
        (0, "AVAILABLE"),
        (1, "AVAILABLE"),
        (1, "PREPARING"),
        (1, "CHARGING"),
        (1, "FINISHING"),
        (1, "AVAILABLE"),
    ]
    assert all(r.charge_point_id == "SIM-1" for _, r in recorder.calls)
    assert recorder.requests("Authorize")[0].id_tag == "TAG-9"
    energy = [
        [v.value for v in m.meter_values[0].sampled_values]
        for m in recorder.requests("RecordMeterValues")
    ]
    assert energy == [[1250.0, 11000.0], [1500.0, 11000.0]]
    (stop,) = recorder.requests("StopTransaction")
    assert (stop.transaction_id, stop.meter_stop_wh, stop.id_tag) == (7, 1500, "TAG-9")
    assert stop.meter_values[0].sampled_values[0].context == "Transaction.End"
    assert any(
        line.startswith("-> StartTransaction") and "transactionId=7 Accepted" in line
        for line in lines
    )
    assert lines[-1] == "charged transaction 7: 500 Wh (1000 -> 1500 Wh)"


async def test_an_invalid_id_tag_is_explained(edge: RunningEdge, fakes: Fakes) -> None:
    fakes.recorder.invalid_tags.add("TAG-9")
    with pytest.raises(ScenarioFailed, match=r"id tag TAG-9 is Invalid: register it .* --id-tag"):
        await run(url(edge), "SIM-1", FAST, lambda _: None)
    assert "StartTransaction" not in fakes.recorder.methods()


async def test_a_rejected_boot_stops(edge: RunningEdge, fakes: Fakes) -> None:
    fakes.recorder.registration = chargepoint_pb2.ChargePoint.REJECTED
    with pytest.raises(ScenarioFailed, match="rejected charge point SIM-1"):
        await run(url(edge), "SIM-1", FAST, lambda _: None)


async def test_a_callerror_is_shown(edge: RunningEdge, fakes: Fakes) -> None:
    fakes.recorder.failures["RecordHeartbeat"] = (grpc.StatusCode.UNAVAILABLE, "down")
    with pytest.raises(ScenarioFailed, match="CALLERROR InternalError: the chargepoint service"):
        await run(url(edge), "SIM-1", FAST, lambda _: None)


async def test_a_refused_handshake_is_explained(edge: RunningEdge) -> None:
    with pytest.raises(ScenarioFailed, match="HTTP 400 charge point id 'BAD ID' is not valid"):
        await run(url(edge), "BAD ID", FAST, lambda _: None)


async def test_nobody_listening_is_explained() -> None:
    with pytest.raises(ScenarioFailed, match=r"cannot connect to .* is the CSMS running"):
        await run(f"ws://127.0.0.1:{free_port()}/ocpp", "SIM-1", FAST, lambda _: None)


def test_the_cli_reports_a_failure_with_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert cli.main(["SIM-1", "1.6", f"ws://127.0.0.1:{free_port()}/ocpp"]) == 1
    assert "cannot connect" in capsys.readouterr().err


async def test_the_cli_runs_a_session(
    edge: RunningEdge, fakes: Fakes, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["SIM-2", "1.6", url(edge), "--meter-values", "1", "--interval", "0"]
    assert await asyncio.to_thread(cli.main, argv) == 0
    out = capsys.readouterr().out
    assert "-> BootNotification vendor=CSMS model=csms-sim <- Accepted interval=300" in out
    assert "charged transaction 7: 250 Wh" in out
    assert fakes.recorder.requests("Authorize")[0].id_tag == "DEMO-TAG-001"
