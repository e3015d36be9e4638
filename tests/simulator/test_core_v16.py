"""The Core profile's CSMS-initiated calls, answered by a running ``csms-sim --stay``
against a real WebSocket CSMS, with the messages that follow each answer."""

from __future__ import annotations

from typing import Any

from ocpp.v16 import call

from tests.simulator.conftest import Simulated


async def start_remote(sim: Simulated, connector: int | None = 1, tag: str = "TAG-R") -> int:
    """RemoteStartTransaction; returns the transaction id once it is Charging."""
    result = await sim.cp.call(call.RemoteStartTransaction(id_tag=tag, connector_id=connector))
    assert result.status == "Accepted"
    start = await sim.inbox.expect("StartTransaction", id_tag=tag)
    transaction_id = int(start["transaction_id"])
    await sim.inbox.expect("MeterValues", transaction_id=transaction_id)
    return transaction_id


async def test_the_opening_session_and_stay(sim: Simulated) -> None:
    assert sim.inbox.actions() == [
        "BootNotification",
        *["StatusNotification"] * 3,  # the station and its two connectors
        "Heartbeat",
        "Authorize",
        "StatusNotification",
        "StartTransaction",
        "StatusNotification",
        "MeterValues",
        "StopTransaction",
        "StatusNotification",
        "StatusNotification",
    ]
    (stop,) = [m.payload for m in sim.inbox.messages if m.action == "StopTransaction"]
    assert stop["reason"] == "Local"
    assert any(line.startswith("charged transaction 100: 250 Wh") for line in sim.lines.lines)


async def test_remote_start_charges_until_remote_stop(sim: Simulated) -> None:
    result = await sim.cp.call(call.RemoteStartTransaction(id_tag="TAG-R"))
    assert result.status == "Accepted"
    await sim.inbox.expect("StatusNotification", connector_id=1, status="Preparing")
    start = await sim.inbox.expect("StartTransaction", id_tag="TAG-R")
    assert start["connector_id"] == 1  # the first Available connector
    # AuthorizeRemoteTxRequests is false: no Authorize for a remote start.
    assert ("Authorize", "TAG-R") not in [
        (m.action, m.payload.get("id_tag")) for m in sim.inbox.messages
    ]
    await sim.inbox.expect("StatusNotification", connector_id=1, status="Charging")
    transaction_id = start["transaction_id"]
    await sim.inbox.expect("MeterValues", transaction_id=transaction_id)

    busy = await sim.cp.call(call.RemoteStartTransaction(id_tag="TAG-X", connector_id=1))
    assert busy.status == "Rejected"
    unknown = await sim.cp.call(call.RemoteStopTransaction(transaction_id=transaction_id + 1))
    assert unknown.status == "Rejected"

    stopped = await sim.cp.call(call.RemoteStopTransaction(transaction_id=transaction_id))
    assert stopped.status == "Accepted"
    stop = await sim.inbox.expect("StopTransaction", transaction_id=transaction_id)
    assert stop["reason"] == "Remote"
    assert stop["meter_stop"] > start["meter_start"]
    await sim.inbox.expect("StatusNotification", connector_id=1, status="Finishing")
    await sim.inbox.expect("StatusNotification", connector_id=1, status="Available")
    assert "<- RemoteStopTransaction transactionId=" in "\n".join(sim.lines.lines)


async def test_remote_start_authorizes_when_configured(sim: Simulated) -> None:
    changed = await sim.cp.call(
        call.ChangeConfiguration(key="AuthorizeRemoteTxRequests", value="true")
    )
    assert changed.status == "Accepted"
    await sim.cp.call(call.RemoteStartTransaction(id_tag="TAG-A", connector_id=2))
    await sim.inbox.expect("Authorize", id_tag="TAG-A")
    start = await sim.inbox.expect("StartTransaction", id_tag="TAG-A")
    assert start["connector_id"] == 2


async def test_remote_start_with_an_invalid_tag_does_not_start(sim: Simulated) -> None:
    sim.cp.invalid_tags.add("TAG-BAD")
    await sim.cp.call(call.ChangeConfiguration(key="AuthorizeRemoteTxRequests", value="true"))
    await sim.cp.call(call.RemoteStartTransaction(id_tag="TAG-BAD", connector_id=2))
    await sim.inbox.expect("Authorize", id_tag="TAG-BAD")
    await sim.inbox.expect("StatusNotification", connector_id=2, status="Available")
    assert "StartTransaction" not in [
        m.action for m in sim.inbox.messages if m.payload.get("id_tag") == "TAG-BAD"
    ]


async def test_unlock_stops_the_transaction(sim: Simulated) -> None:
    transaction_id = await start_remote(sim, 2)
    unlocked = await sim.cp.call(call.UnlockConnector(connector_id=2))
    assert unlocked.status == "Unlocked"
    stop = await sim.inbox.expect("StopTransaction", transaction_id=transaction_id)
    assert stop["reason"] == "UnlockCommand"
    for connector in (0, 9):
        refused = await sim.cp.call(call.UnlockConnector(connector_id=connector))
        assert refused.status == "NotSupported"
    idle = await sim.cp.call(call.UnlockConnector(connector_id=1))
    assert idle.status == "Unlocked"


async def test_soft_reset_stops_reconnects_and_boots_again(sim: Simulated) -> None:
    transaction_id = await start_remote(sim, 1)
    await sim.cp.call(call.ChangeConfiguration(key="HeartbeatInterval", value="7"))
    reset = await sim.cp.call(call.Reset(type="Soft"))
    assert reset.status == "Accepted"
    stop = await sim.inbox.expect("StopTransaction", transaction_id=transaction_id)
    assert stop["reason"] == "SoftReset"
    second = await sim.csms.connection(2)
    await sim.inbox.expect("BootNotification")
    assert next(m.action for m in sim.inbox.messages if m.connection == 2) == "BootNotification"
    for connector in (0, 1, 2):
        await sim.inbox.expect("StatusNotification", connector_id=connector, status="Available")
    # The station answers on its new connection, with the state it kept.
    version = await second.call(call.GetLocalListVersion())
    assert version.list_version == 0
    await sim.lines.wait_for("staying connected", count=2)


async def test_hard_reset_reconnects_too(sim: Simulated) -> None:
    transaction_id = await start_remote(sim, 2)
    reset = await sim.cp.call(call.Reset(type="Hard"))
    assert reset.status == "Accepted"
    stop = await sim.inbox.expect("StopTransaction", transaction_id=transaction_id)
    assert stop["reason"] == "HardReset"
    await sim.csms.connection(2)
    await sim.lines.wait_for("staying connected", count=2)
    again = await sim.cp.call(call.ClearCache())
    assert again.status == "Accepted"


async def test_change_availability(sim: Simulated) -> None:
    transaction_id = await start_remote(sim, 1)
    scheduled = await sim.cp.call(call.ChangeAvailability(connector_id=1, type="Inoperative"))
    assert scheduled.status == "Scheduled"
    now_off = await sim.cp.call(call.ChangeAvailability(connector_id=2, type="Inoperative"))
    assert now_off.status == "Accepted"
    await sim.inbox.expect("StatusNotification", connector_id=2, status="Unavailable")
    refused = await sim.cp.call(call.RemoteStartTransaction(id_tag="TAG-Y"))
    assert refused.status == "Rejected"  # no free connector left
    assert (
        await sim.cp.call(call.ChangeAvailability(connector_id=5, type="Operative"))
    ).status == "Rejected"

    await sim.cp.call(call.RemoteStopTransaction(transaction_id=transaction_id))
    await sim.inbox.expect("StatusNotification", connector_id=1, status="Finishing")
    await sim.inbox.expect("StatusNotification", connector_id=1, status="Unavailable")

    whole = await sim.cp.call(call.ChangeAvailability(connector_id=0, type="Operative"))
    assert whole.status == "Accepted"
    for connector in (1, 2):
        await sim.inbox.expect("StatusNotification", connector_id=connector, status="Available")


async def test_configuration(sim: Simulated) -> None:
    everything = await sim.cp.call(call.GetConfiguration())
    keys = {k["key"]: k for k in everything.configuration_key}
    assert keys["NumberOfConnectors"] == {
        "key": "NumberOfConnectors",
        "readonly": True,
        "value": "2",
    }
    assert keys["HeartbeatInterval"]["value"] == "3600"  # from the BootNotification answer
    assert "SmartCharging" in keys["SupportedFeatureProfiles"]["value"]
    assert not everything.unknown_key

    some = await sim.cp.call(call.GetConfiguration(key=["MeterValueSampleInterval", "Nope"]))
    assert some.configuration_key == [
        {"key": "MeterValueSampleInterval", "readonly": False, "value": "0.01"}
    ]
    assert some.unknown_key == ["Nope"]

    answers: dict[tuple[str, str], str] = {}
    for key, value in [
        ("Nope", "1"),
        ("NumberOfConnectors", "4"),
        ("HeartbeatInterval", "soon"),
        ("LocalPreAuthorize", "maybe"),
        ("MeterValuesSampledData", "Energy.Active.Import.Register,Bogus"),
        ("WebSocketPingInterval", "30"),
        ("ConnectionTimeOut", "90"),
    ]:
        result: Any = await sim.cp.call(call.ChangeConfiguration(key=key, value=value))
        answers[key, value] = result.status
    assert answers == {
        ("Nope", "1"): "NotSupported",
        ("NumberOfConnectors", "4"): "Rejected",
        ("HeartbeatInterval", "soon"): "Rejected",
        ("LocalPreAuthorize", "maybe"): "Rejected",
        ("MeterValuesSampledData", "Energy.Active.Import.Register,Bogus"): "Rejected",
        ("WebSocketPingInterval", "30"): "RebootRequired",
        ("ConnectionTimeOut", "90"): "Accepted",
    }
    after = await sim.cp.call(
        call.GetConfiguration(key=["ConnectionTimeOut", "NumberOfConnectors"])
    )
    assert [k["value"] for k in after.configuration_key] == ["90", "2"]
    assert "<- ChangeConfiguration key=Nope value=1 -> NotSupported" in sim.lines.lines


async def test_a_new_heartbeat_interval_applies(sim: Simulated) -> None:
    changed = await sim.cp.call(call.ChangeConfiguration(key="HeartbeatInterval", value="1"))
    assert changed.status == "Accepted"
    await sim.inbox.expect("Heartbeat")


async def test_clear_cache_and_data_transfer(sim: Simulated) -> None:
    assert (await sim.cp.call(call.ClearCache())).status == "Accepted"
    echoed = await sim.cp.call(
        call.DataTransfer(vendor_id="csms-sim", message_id="echo", data="hi")
    )
    assert (echoed.status, echoed.data) == ("Accepted", "hi")
    other = await sim.cp.call(call.DataTransfer(vendor_id="acme", data="hi"))
    assert (other.status, other.data) == ("UnknownVendorId", None)


async def test_a_staying_station_reconnects_when_the_csms_closes_its_socket(
    sim: Simulated,
) -> None:
    await sim.cp._connection.close(1000, "disconnected by the operator")
    await sim.lines.wait_for("reconnecting")
    await sim.csms.connection(2)
    await sim.inbox.expect("BootNotification")
    await sim.lines.wait_for("staying connected", count=2)
    answer = await sim.cp.call(call.ClearCache())
    assert answer.status == "Accepted"
