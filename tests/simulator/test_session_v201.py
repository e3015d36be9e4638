"""The OCPP 2.0.1 simulator against a real WebSocket CSMS: the charging session, the
Pending admission flow, and (with --stay) the CSMS's calls with what follows them.

:mod:`tests.simulator.test_session_v21` runs the same tests through OCPP 2.1."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from ocpp.exceptions import FormatViolationError

from simulator import cli
from simulator.errors import ScenarioFailed
from simulator.session_v16 import Options
from simulator.session_v201 import OCPP201
from simulator.v2.session import Protocol, Summary, run
from tests.simulator.support.central_system import Inbox, Lines, now
from tests.simulator.support.central_system_v201 import (
    REPORT_REQUEST_ID,
    Admission,
    CentralSystem,
    RunningCsms,
    central_system,
)

FAST = Options(id_tag="TAG-9", meter_values=2, interval=0.0)
STAYING = Options(id_tag="TAG-1", meter_values=1, interval=0.01, stay=True, connectors=2)


@pytest.fixture
def protocol() -> Protocol:
    return OCPP201


async def session(
    protocol: Protocol, admission: Admission | None = None
) -> tuple[Summary, Inbox, list[str]]:
    lines: list[str] = []
    async with central_system(protocol.version, admission) as csms:
        summary = await run(protocol, csms.url, "SIM-2X", FAST, lines.append)
    return summary, csms.inbox, lines


def energy(message: dict[str, Any]) -> float:
    return float(message["meter_value"][0]["sampled_value"][0]["value"])


async def test_the_charging_session(protocol: Protocol) -> None:
    summary, inbox, lines = await session(protocol)

    assert inbox.actions() == [
        "BootNotification",
        "StatusNotification",
        "Heartbeat",
        "Authorize",
        "TransactionEvent",
        "StatusNotification",
        "TransactionEvent",
        "TransactionEvent",
        "TransactionEvent",
        "StatusNotification",
    ]
    boot = await inbox.expect("BootNotification")
    assert boot["reason"] == "PowerUp"
    assert boot["charging_station"]["model"] == "csms-sim"
    assert boot["charging_station"]["vendor_name"] == "CSMS"
    authorize = await inbox.expect("Authorize")
    assert authorize["id_token"] == {"id_token": "TAG-9", "type": "ISO14443"}
    statuses = [
        (m.payload["evse_id"], m.payload["connector_id"], m.payload["connector_status"])
        for m in inbox.messages
        if m.action == "StatusNotification"
    ]
    assert statuses == [(1, 1, "Available"), (1, 1, "Occupied"), (1, 1, "Available")]

    started = await inbox.expect("TransactionEvent", event_type="Started")
    transaction_id = started["transaction_info"]["transaction_id"]
    assert transaction_id == summary.transaction_id
    assert (started["seq_no"], started["trigger_reason"]) == (0, "Authorized")
    assert started["transaction_info"]["charging_state"] == "Charging"
    assert started["id_token"]["id_token"] == "TAG-9"
    assert started["evse"] == {"id": 1, "connector_id": 1}
    begin = started["meter_value"][0]["sampled_value"][0]
    assert (begin["measurand"], begin["context"]) == (
        "Energy.Active.Import.Register",
        "Transaction.Begin",
    )
    updates = [await inbox.expect("TransactionEvent", event_type="Updated") for _ in range(2)]
    assert [u["seq_no"] for u in updates] == [1, 2]
    assert {u["trigger_reason"] for u in updates} == {"MeterValuePeriodic"}
    assert [energy(u) for u in updates] == [1250.0, 1500.0]
    assert updates[0]["meter_value"][0]["sampled_value"][1]["measurand"] == "Power.Active.Import"
    ended = await inbox.expect("TransactionEvent", event_type="Ended")
    assert ended["seq_no"] == 3
    assert ended["trigger_reason"] == "StopAuthorized"
    assert ended["transaction_info"]["stopped_reason"] == "Local"
    assert ended["meter_value"][0]["sampled_value"][0]["context"] == "Transaction.End"
    assert energy(ended) == 1500.0

    assert summary.energy_wh == 500
    assert lines[-1] == f"charged transaction {transaction_id}: 500 Wh (1000 -> 1500 Wh)"
    assert any(line.startswith("-> TransactionEvent Started") for line in lines)


async def test_an_invalid_token_is_explained(protocol: Protocol) -> None:
    with pytest.raises(ScenarioFailed, match=r"id token TAG-9 is Invalid: register it"):
        await session(protocol, Admission(invalid_tokens={"TAG-9"}))


async def test_a_rejected_boot_stops(protocol: Protocol) -> None:
    with pytest.raises(ScenarioFailed, match="rejected charging station SIM-2X"):
        await session(protocol, Admission(rejected=True))


async def test_a_pending_station_sends_its_base_report_then_boots_again(
    protocol: Protocol,
) -> None:
    summary, inbox, _ = await session(protocol, Admission(pending_first=True))

    actions = [a for a in inbox.actions() if not a.endswith("Response")]
    reports = actions.count("NotifyReport")
    assert reports >= 2
    assert actions[: 4 + reports] == [
        "BootNotification",
        "-> GetBaseReport",
        *["NotifyReport"] * reports,
        "-> TriggerMessage",
        "BootNotification",
    ]
    assert (await inbox.expect("GetBaseReportResponse"))["status"] == "Accepted"
    parts = [m.payload for m in inbox.messages if m.action == "NotifyReport"]
    assert [p["seq_no"] for p in parts] == list(range(reports))
    assert [p["tbc"] for p in parts] == [True] * (reports - 1) + [False]
    assert {p["request_id"] for p in parts} == {REPORT_REQUEST_ID}
    reported = {
        (
            d["component"]["name"],
            d["component"].get("evse", {}).get("id"),
            d["variable"]["name"],
        ): d["variable_attribute"][0]
        for p in parts
        for d in p["report_data"]
    }
    assert reported[("OCPPCommCtrlr", None, "HeartbeatInterval")]["mutability"] == "ReadWrite"
    assert ("SampledDataCtrlr", None, "TxUpdatedInterval") in reported
    assert ("AuthCtrlr", None, "AuthorizeRemoteStart") in reported
    assert ("DeviceDataCtrlr", None, "ItemsPerMessage") in reported
    assert reported[("EVSE", 1, "AvailabilityState")]["value"] == "Available"
    assert reported[("Connector", 1, "AvailabilityState")]["mutability"] == "ReadOnly"
    assert (await inbox.expect("TriggerMessageResponse"))["status"] == "Accepted"
    boots = [m.payload["reason"] for m in inbox.messages if m.action == "BootNotification"]
    assert boots == ["PowerUp", "Triggered"]
    assert summary.energy_wh == 500


def test_the_cli_runs_a_session(protocol: Protocol, capsys: pytest.CaptureFixture[str]) -> None:
    async def main() -> int:
        async with central_system(protocol.version) as csms:
            argv = ["SIM-3", protocol.version, csms.url, "--meter-values", "1", "--interval", "0"]
            return await asyncio.to_thread(cli.main, argv)

    assert asyncio.run(main()) == 0
    out = capsys.readouterr().out
    assert f"(OCPP {protocol.version})" in out
    assert "-> BootNotification reason=PowerUp vendor=CSMS model=csms-sim <- Accepted" in out
    assert "250 Wh (1000 -> 1250 Wh)" in out


@dataclass
class Staying:
    """A ``csms-sim SIM-S VERSION --stay --connectors 2`` after its opening session."""

    csms: RunningCsms
    lines: Lines

    @property
    def inbox(self) -> Inbox:
        return self.csms.inbox

    @property
    def cp(self) -> CentralSystem:
        return self.csms.station

    async def call(self, name: str, **fields: Any) -> Any:
        return await self.cp.call(getattr(self.cp.calls, name)(**fields), suppress=False)


@pytest.fixture
async def sim(protocol: Protocol) -> AsyncIterator[Staying]:
    async with central_system(protocol.version) as csms:
        lines = Lines()
        running = asyncio.create_task(run(protocol, csms.url, "SIM-S", STAYING, lines))
        staying = asyncio.create_task(lines.wait_for("staying connected"))
        await asyncio.wait([running, staying], return_when=asyncio.FIRST_COMPLETED)
        if running.done():
            staying.cancel()
            running.result()
        await staying
        csms.inbox.take_all()
        yield Staying(csms, lines)
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running


async def test_request_start_charges_until_request_stop(sim: Staying) -> None:
    token = {"id_token": "TAG-R", "type": "ISO14443"}
    started_answer = await sim.call("RequestStartTransaction", id_token=token, remote_start_id=42)
    assert started_answer.status == "Accepted"
    started = await sim.inbox.expect("TransactionEvent", event_type="Started")
    assert started["trigger_reason"] == "RemoteStart"
    assert started["transaction_info"]["remote_start_id"] == 42
    assert started["evse"]["id"] == 1
    await sim.inbox.expect("StatusNotification", evse_id=1, connector_status="Occupied")
    transaction_id = started["transaction_info"]["transaction_id"]
    await sim.inbox.expect("TransactionEvent", event_type="Updated")

    busy = await sim.call("RequestStartTransaction", id_token=token, remote_start_id=43, evse_id=1)
    assert busy.status == "Rejected"
    unknown = await sim.call("RequestStopTransaction", transaction_id="not-running")
    assert unknown.status == "Rejected"
    status = await sim.call("GetTransactionStatus", transaction_id=transaction_id)
    assert (status.messages_in_queue, status.ongoing_indicator) == (False, True)

    stopped = await sim.call("RequestStopTransaction", transaction_id=transaction_id)
    assert stopped.status == "Accepted"
    ended = await sim.inbox.expect("TransactionEvent", event_type="Ended")
    assert ended["transaction_info"]["transaction_id"] == transaction_id
    assert ended["transaction_info"]["stopped_reason"] == "Remote"
    assert ended["trigger_reason"] == "RemoteStop"
    assert energy(ended) > energy(started)
    await sim.inbox.expect("StatusNotification", evse_id=1, connector_status="Available")


async def test_variables_are_read_and_written(sim: Staying) -> None:
    def item(component: str, variable: str, **extra: Any) -> dict[str, Any]:
        return {"component": {"name": component}, "variable": {"name": variable}, **extra}

    written = await sim.call(
        "SetVariables",
        set_variable_data=[
            item("SampledDataCtrlr", "TxUpdatedInterval", attribute_value="30"),
            item("LocalAuthListCtrlr", "Entries", attribute_value="5"),
            item("OCPPCommCtrlr", "NoSuchVariable", attribute_value="1"),
            item("AuthCtrlr", "AuthorizeRemoteStart", attribute_value="maybe"),
        ],
    )
    assert [r["attribute_status"] for r in written.set_variable_result] == [
        "Accepted",
        "Rejected",
        "UnknownVariable",
        "Rejected",
    ]
    read = await sim.call(
        "GetVariables",
        get_variable_data=[
            item("SampledDataCtrlr", "TxUpdatedInterval"),
            item("NoSuchCtrlr", "Enabled"),
            {
                "component": {"name": "EVSE", "evse": {"id": 2}},
                "variable": {"name": "AvailabilityState"},
            },
        ],
    )
    results = read.get_variable_result
    assert [r["attribute_status"] for r in results] == [
        "Accepted",
        "UnknownComponent",
        "Accepted",
    ]
    assert (results[0]["attribute_value"], results[2]["attribute_value"]) == ("30", "Available")


async def test_variables_past_the_station_limits_are_refused(sim: Staying) -> None:
    names = ["HeartbeatInterval", "WebSocketPingInterval", "ResetRetries"]
    items = [{"component": {"name": "OCPPCommCtrlr"}, "variable": {"name": n}} for n in names]
    items += [
        {"component": {"name": "AuthCtrlr"}, "variable": {"name": n}}
        for n in ("AuthorizeRemoteStart", "LocalPreAuthorize")
    ]
    read = await sim.call("GetVariables", get_variable_data=items)
    statuses = [r["attribute_status"] for r in read.get_variable_result]
    # DeviceDataCtrlr.ItemsPerMessage[GetVariables] is 4: the fifth is Rejected (B06.FR.05).
    assert statuses == ["Accepted"] * 4 + ["Rejected"]
    assert read.get_variable_result[4]["attribute_status_info"] == {
        "reason_code": "TooManyElements"
    }
    written = await sim.call(
        "SetVariables",
        set_variable_data=[
            {
                "component": {"name": "ChargingStation"},
                "variable": {"name": "Model"},
                "attribute_value": "x",
            }
        ],
    )
    assert [r["attribute_status"] for r in written.set_variable_result] == ["Rejected"]
    assert written.set_variable_result[0]["attribute_status_info"] == {"reason_code": "ReadOnly"}
    long_value = {
        "component": {"name": "ChargingStation"},
        "variable": {"name": "Model"},
        "attribute_value": "x" * 1000,
    }
    # BytesPerMessage[SetVariables] is 4096: a larger frame is refused as a whole.
    with pytest.raises(FormatViolationError, match="BytesPerMessage is 4096"):
        await sim.call("SetVariables", set_variable_data=[long_value] * 5)


async def test_a_reset_reconnects_and_boots_again(sim: Staying) -> None:
    answer = await sim.call("Reset", type="Immediate")
    assert answer.status == "Accepted"
    second = await sim.csms.connection(2)
    boot = await sim.inbox.expect("BootNotification")
    assert boot["reason"] == "RemoteReset"
    await sim.inbox.expect("StatusNotification", evse_id=2, connector_status="Available")
    assert second.number == 2
    availability = await sim.call(
        "ChangeAvailability", operational_status="Inoperative", evse={"id": 2}
    )
    assert availability.status == "Accepted"
    await sim.inbox.expect("StatusNotification", evse_id=2, connector_status="Unavailable")


async def test_reservations_by_connector_type_end_as_a_station_ends_them(sim: Staying) -> None:
    """H01 by connector type (EVSE 1 is cType2, EVSE 2 cCCS2), H04 Removed when its EVSE
    becomes inoperative and Expired at its expiry."""
    token = {"id_token": "TAG-R", "type": "eMAID"}
    later = "2099-01-01T00:00:00Z"
    by_type = await sim.call(
        "ReserveNow", id=21, expiry_date_time=later, id_token=token, connector_type="cCCS2"
    )
    assert by_type.status == "Accepted"
    await sim.inbox.expect("StatusNotification", evse_id=2, connector_status="Reserved")
    taken = await sim.call(
        "ReserveNow", id=22, expiry_date_time=later, id_token=token, connector_type="cCCS2"
    )
    assert taken.status == "Occupied"
    absent = await sim.call(
        "ReserveNow", id=23, expiry_date_time=later, id_token=token, connector_type="cTesla"
    )
    assert absent.status == "Rejected"

    changed = await sim.call("ChangeAvailability", operational_status="Inoperative", evse={"id": 2})
    assert changed.status == "Accepted"
    removed = await sim.inbox.expect("ReservationStatusUpdate", reservation_id=21)
    assert removed["reservation_update_status"] == "Removed"
    await sim.inbox.expect("StatusNotification", evse_id=2, connector_status="Unavailable")
    assert (await sim.call("CancelReservation", reservation_id=21)).status == "Rejected"
    inoperative = await sim.call(
        "ReserveNow", id=24, expiry_date_time=later, id_token=token, evse_id=2
    )
    assert inoperative.status == "Unavailable"

    soon = (datetime.now(UTC) + timedelta(seconds=0.5)).isoformat()
    anywhere = await sim.call("ReserveNow", id=25, expiry_date_time=soon, id_token=token)
    assert anywhere.status == "Accepted"
    await sim.inbox.expect("StatusNotification", evse_id=1, connector_status="Reserved")
    expired = await sim.inbox.expect("ReservationStatusUpdate", reservation_id=25)
    assert expired["reservation_update_status"] == "Expired"
    await sim.inbox.expect("StatusNotification", evse_id=1, connector_status="Available")


async def test_the_other_operations_are_answered(sim: Staying) -> None:
    token = {"id_token": "TAG-L", "type": "ISO14443"}
    assert (await sim.call("ClearCache")).status == "Accepted"
    unlock = await sim.call("UnlockConnector", evse_id=2, connector_id=1)
    assert unlock.status == "Unlocked"
    assert (await sim.call("GetLocalListVersion")).version_number == 0
    sent = await sim.call(
        "SendLocalList",
        version_number=3,
        update_type="Full",
        local_authorization_list=[{"id_token": token, "id_token_info": {"status": "Accepted"}}],
    )
    assert sent.status == "Accepted"
    assert (await sim.call("GetLocalListVersion")).version_number == 3

    reserved = await sim.call(
        "ReserveNow", id=5, expiry_date_time="2099-01-01T00:00:00Z", id_token=token, evse_id=2
    )
    assert reserved.status == "Accepted"
    await sim.inbox.expect("StatusNotification", evse_id=2, connector_status="Reserved")
    assert (await sim.call("CancelReservation", reservation_id=5)).status == "Accepted"
    await sim.inbox.expect("StatusNotification", evse_id=2, connector_status="Available")
    assert (await sim.call("CancelReservation", reservation_id=5)).status == "Rejected"

    profile = {
        "id": 9,
        "stack_level": 1,
        "charging_profile_purpose": "TxDefaultProfile",
        "charging_profile_kind": "Absolute",
        "charging_schedule": [
            {
                "id": 1,
                "start_schedule": "2020-01-01T00:00:00Z",
                "charging_rate_unit": "A",
                "charging_schedule_period": [{"start_period": 0, "limit": 16.0}],
            }
        ],
    }
    assert (await sim.call("SetChargingProfile", evse_id=1, charging_profile=profile)).status == (
        "Accepted"
    )
    schedule = await sim.call("GetCompositeSchedule", duration=600, evse_id=1)
    assert schedule.status == "Accepted"
    assert schedule.schedule["charging_schedule_period"][0]["limit"] == 16.0
    assert (await sim.call("ClearChargingProfile", charging_profile_id=9)).status == "Accepted"
    assert (await sim.call("ClearChargingProfile", charging_profile_id=9)).status == "Unknown"

    firmware = {"location": "https://example.invalid/fw.bin", "retrieve_date_time": now()}
    assert (await sim.call("UpdateFirmware", request_id=11, firmware=firmware)).status == (
        "Accepted"
    )
    for step in ("Downloading", "Downloaded", "Installing", "Installed"):
        await sim.inbox.expect("FirmwareStatusNotification", status=step, request_id=11)
    log = await sim.call(
        "GetLog",
        log={"remote_location": "https://example.invalid/logs"},
        log_type="DiagnosticsLog",
        request_id=12,
    )
    assert (log.status, log.filename.startswith("diagnosticslog-SIM-S-")) == ("Accepted", True)
    await sim.inbox.expect("LogStatusNotification", status="Uploading", request_id=12)
    await sim.inbox.expect("LogStatusNotification", status="Uploaded", request_id=12)

    triggered = await sim.call("TriggerMessage", requested_message="Heartbeat")
    assert triggered.status == "Accepted"
    await sim.inbox.expect("Heartbeat")
    boot = await sim.call("TriggerMessage", requested_message="BootNotification")
    assert boot.status == "Rejected"  # F06.FR.17: already Accepted
    report = await sim.call("GetBaseReport", request_id=13, report_base="ConfigurationInventory")
    assert report.status == "Accepted"
    await sim.inbox.expect("NotifyReport", request_id=13, tbc=False)
    echoed = await sim.call("DataTransfer", vendor_id="csms-sim", data="ping")
    assert (echoed.status, echoed.data) == ("Accepted", "ping")
    assert (await sim.call("DataTransfer", vendor_id="other")).status == "UnknownVendorId"


async def test_triggered_messages_are_sent_for_the_evse_asked(sim: Staying) -> None:
    async def trigger(requested: str, **fields: Any) -> str:
        answer = await sim.call("TriggerMessage", requested_message=requested, **fields)
        return str(answer.status)

    assert await trigger("MeterValues", evse={"id": 2}) == "Accepted"
    meter = await sim.inbox.expect("MeterValues", evse_id=2)
    assert meter["meter_value"][0]["sampled_value"][0]["context"] == "Trigger"
    assert await trigger("StatusNotification", evse={"id": 2, "connector_id": 1}) == "Accepted"
    await sim.inbox.expect("StatusNotification", evse_id=2, connector_id=1)
    assert await trigger("PublishFirmwareStatusNotification") == "Accepted"
    await sim.inbox.expect("PublishFirmwareStatusNotification", status="Idle")
    assert await trigger("SignV2GCertificate") == "Accepted"
    await sim.inbox.expect("SignCertificate", certificate_type="V2GCertificate")
    assert await trigger("SignCombinedCertificate") == "Accepted"
    combined = await sim.inbox.expect("SignCertificate")
    assert "certificate_type" not in combined  # for both uses (A03)
    # No transaction, no such connector, no such EVSE.
    assert await trigger("TransactionEvent") == "Rejected"
    assert await trigger("StatusNotification", evse={"id": 1, "connector_id": 2}) == "Rejected"
    assert await trigger("MeterValues", evse={"id": 7}) == "Rejected"


async def test_a_report_selects_variables(sim: Staying) -> None:
    wanted = [
        {"component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "HeartbeatInterval"}},
        {"component": {"name": "Connector", "evse": {"id": 2}}},
    ]
    answer = await sim.call("GetReport", request_id=21, component_variable=wanted)
    assert answer.status == "Accepted"
    (part,) = [await sim.inbox.expect("NotifyReport", request_id=21, tbc=False)]
    names = [(d["component"]["name"], d["variable"]["name"]) for d in part["report_data"]]
    assert names == [
        ("OCPPCommCtrlr", "HeartbeatInterval"),
        ("Connector", "AvailabilityState"),
        ("Connector", "ConnectorType"),
    ]
    nothing = [{"component": {"name": "NoSuchCtrlr"}}]
    empty = await sim.call("GetReport", request_id=22, component_variable=nothing)
    assert empty.status == "EmptyResultSet"
