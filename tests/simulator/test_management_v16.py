"""Local list, reservation, smart charging, firmware, diagnostics and trigger calls,
answered by a running ``csms-sim --stay`` against a real WebSocket CSMS."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from ocpp.charge_point import snake_to_camel_case
from ocpp.exceptions import OCPPError
from ocpp.v16 import call

from servicekit.pki import create_authority
from tests.simulator.conftest import Simulated
from tests.simulator.test_core_v16 import start_remote
from tests.support.certificates import certificate_pem, csr_pem, hash_data


def entry(tag: str, status: str | None = "Accepted") -> dict[str, Any]:
    return {"idTag": tag} if status is None else {"idTag": tag, "idTagInfo": {"status": status}}


def in_(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


async def test_local_list_versions(sim: Simulated) -> None:
    assert (await sim.cp.call(call.GetLocalListVersion())).list_version == 0

    async def send(version: int, kind: str, entries: list[dict[str, Any]]) -> str:
        result = await sim.cp.call(
            call.SendLocalList(
                list_version=version, update_type=kind, local_authorization_list=entries
            )
        )
        return str(result.status)

    assert await send(1, "Full", [entry("A"), entry("B", "Blocked")]) == "Accepted"
    assert (await sim.cp.call(call.GetLocalListVersion())).list_version == 1
    assert await send(1, "Differential", [entry("C")]) == "VersionMismatch"
    assert await send(2, "Differential", [entry("A", None), entry("C")]) == "Accepted"
    too_many = [entry(f"T{i}") for i in range(21)]  # SendLocalListMaxLength is 20
    assert await send(3, "Full", too_many) == "Failed"
    assert (await sim.cp.call(call.GetLocalListVersion())).list_version == 2


async def test_local_pre_authorize_uses_the_list(sim: Simulated) -> None:
    await sim.cp.call(
        call.SendLocalList(
            list_version=1, update_type="Full", local_authorization_list=[entry("L")]
        )
    )
    for key in ("AuthorizeRemoteTxRequests", "LocalPreAuthorize"):
        await sim.cp.call(call.ChangeConfiguration(key=key, value="true"))
    await start_remote(sim, 1, "L")
    asked = [m.payload["id_tag"] for m in sim.inbox.messages if m.action == "Authorize"]
    assert asked == ["TAG-1"]  # only the opening session's


async def test_reservation_is_used_by_its_tag(sim: Simulated) -> None:
    reserved = await sim.cp.call(
        call.ReserveNow(connector_id=1, expiry_date=in_(3600), id_tag="RES", reservation_id=5)
    )
    assert reserved.status == "Accepted"
    await sim.inbox.expect("StatusNotification", connector_id=1, status="Reserved")
    other = await sim.cp.call(
        call.ReserveNow(connector_id=1, expiry_date=in_(3600), id_tag="X", reservation_id=6)
    )
    assert other.status == "Occupied"
    zero = await sim.cp.call(
        call.ReserveNow(connector_id=0, expiry_date=in_(3600), id_tag="X", reservation_id=7)
    )
    assert zero.status == "Rejected"  # ReserveConnectorZeroSupported is false
    wrong_tag = await sim.cp.call(call.RemoteStartTransaction(id_tag="X", connector_id=1))
    assert wrong_tag.status == "Rejected"

    await start_remote(sim, 1, "RES")
    start = next(
        m.payload
        for m in sim.inbox.messages
        if m.action == "StartTransaction" and m.payload["id_tag"] == "RES"
    )
    assert start["reservation_id"] == 5
    charging = await sim.cp.call(
        call.ReserveNow(connector_id=1, expiry_date=in_(3600), id_tag="X", reservation_id=8)
    )
    assert charging.status == "Occupied"
    assert (await sim.cp.call(call.CancelReservation(reservation_id=5))).status == "Rejected"


async def test_cancel_and_expiry_free_the_connector(sim: Simulated) -> None:
    await sim.cp.call(
        call.ReserveNow(connector_id=2, expiry_date=in_(3600), id_tag="R", reservation_id=1)
    )
    await sim.inbox.expect("StatusNotification", connector_id=2, status="Reserved")
    assert (await sim.cp.call(call.CancelReservation(reservation_id=1))).status == "Accepted"
    await sim.inbox.expect("StatusNotification", connector_id=2, status="Available")
    assert (await sim.cp.call(call.CancelReservation(reservation_id=1))).status == "Rejected"

    await sim.cp.call(
        call.ReserveNow(connector_id=2, expiry_date=in_(0.05), id_tag="R", reservation_id=2)
    )
    await sim.inbox.expect("StatusNotification", connector_id=2, status="Reserved")
    await sim.inbox.expect("StatusNotification", connector_id=2, status="Available")

    await sim.cp.call(call.ChangeAvailability(connector_id=2, type="Inoperative"))
    off = await sim.cp.call(
        call.ReserveNow(connector_id=2, expiry_date=in_(3600), id_tag="R", reservation_id=3)
    )
    assert off.status == "Unavailable"


def profile(
    profile_id: int, stack: int, purpose: str, limit: float, transaction: int | None = None
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "chargingProfileId": profile_id,
        "stackLevel": stack,
        "chargingProfilePurpose": purpose,
        "chargingProfileKind": "Relative",
        "chargingSchedule": {
            "chargingRateUnit": "A",
            "chargingSchedulePeriod": [
                {"startPeriod": 0, "limit": limit, "numberPhases": 3},
                {"startPeriod": 600, "limit": 8.0, "numberPhases": 3},
            ],
        },
    }
    if transaction is not None:
        result["transactionId"] = transaction
    return result


async def test_charging_profiles(sim: Simulated) -> None:
    async def set_profile(connector: int, body: dict[str, Any]) -> str:
        result = await sim.cp.call(
            call.SetChargingProfile(connector_id=connector, cs_charging_profiles=body)
        )
        return str(result.status)

    none = await sim.cp.call(call.GetCompositeSchedule(connector_id=1, duration=300))
    assert none.status == "Rejected"
    assert await set_profile(0, profile(1, 1, "TxDefaultProfile", 16.0)) == "Accepted"
    assert await set_profile(0, profile(2, 9, "TxDefaultProfile", 16.0)) == "Rejected"
    assert await set_profile(1, profile(3, 2, "TxProfile", 10.0)) == "Rejected"
    assert await set_profile(1, profile(4, 1, "ChargePointMaxProfile", 32.0)) == "Rejected"

    composite = await sim.cp.call(
        call.GetCompositeSchedule(connector_id=1, duration=300, charging_rate_unit="W")
    )
    assert composite.status == "Accepted"
    assert composite.connector_id == 1
    assert composite.charging_schedule == {
        "duration": 300,
        "charging_rate_unit": "W",
        "charging_schedule_period": [{"start_period": 0, "limit": 11040.0, "number_phases": 3}],
    }

    transaction_id = await start_remote(sim, 1)
    assert await set_profile(1, profile(3, 2, "TxProfile", 10.0, transaction_id)) == "Accepted"
    tx = await sim.cp.call(call.GetCompositeSchedule(connector_id=1, duration=900))
    assert [p["limit"] for p in tx.charging_schedule["charging_schedule_period"]] == [10.0, 8.0]
    assert (await sim.cp.call(call.GetCompositeSchedule(connector_id=7, duration=60))).status == (
        "Rejected"
    )

    assert (await sim.cp.call(call.ClearChargingProfile(id=1))).status == "Accepted"
    assert (await sim.cp.call(call.ClearChargingProfile(id=1))).status == "Unknown"
    cleared = await sim.cp.call(call.ClearChargingProfile(charging_profile_purpose="TxProfile"))
    assert cleared.status == "Accepted"
    gone = await sim.cp.call(call.GetCompositeSchedule(connector_id=1, duration=300))
    assert gone.status == "Rejected"


async def test_update_firmware_reports_each_step(sim: Simulated) -> None:
    result = await sim.cp.call(
        call.UpdateFirmware(location="https://example.com/fw.bin", retrieve_date=in_(0))
    )
    assert result is not None
    for status in ("Downloading", "Downloaded", "Installing", "Installed"):
        await sim.inbox.expect("FirmwareStatusNotification", status=status)

    await sim.cp.call(call.UpdateFirmware(location="not a url", retrieve_date=in_(0)))
    await sim.inbox.expect("FirmwareStatusNotification", status="Downloading")
    await sim.inbox.expect("FirmwareStatusNotification", status="DownloadFailed")


async def test_get_diagnostics_uploads(sim: Simulated) -> None:
    result = await sim.cp.call(call.GetDiagnostics(location="ftp://example.com/logs/"))
    assert re.fullmatch(r"diagnostics-SIM-T-\d{8}T\d{6}Z\.log", result.file_name)
    await sim.inbox.expect("DiagnosticsStatusNotification", status="Uploading")
    await sim.inbox.expect("DiagnosticsStatusNotification", status="Uploaded")


@pytest.mark.parametrize(
    ("requested", "connector", "action", "fields"),
    [
        ("BootNotification", None, "BootNotification", {}),
        ("Heartbeat", None, "Heartbeat", {}),
        ("StatusNotification", 2, "StatusNotification", {"connector_id": 2}),
        ("MeterValues", 1, "MeterValues", {"connector_id": 1}),
        (
            "DiagnosticsStatusNotification",
            None,
            "DiagnosticsStatusNotification",
            {"status": "Idle"},
        ),
        ("FirmwareStatusNotification", None, "FirmwareStatusNotification", {"status": "Idle"}),
    ],
)
async def test_trigger_message_sends_the_message(
    sim: Simulated, requested: str, connector: int | None, action: str, fields: dict[str, Any]
) -> None:
    result = await sim.cp.call(
        call.TriggerMessage(requested_message=requested, connector_id=connector)
    )
    assert result.status == "Accepted"
    await sim.inbox.expect(action, **fields)


async def test_trigger_status_for_every_connector_and_refusals(sim: Simulated) -> None:
    await sim.cp.call(call.TriggerMessage(requested_message="StatusNotification"))
    for connector in (0, 1, 2):
        await sim.inbox.expect("StatusNotification", connector_id=connector, status="Available")
    unknown = await sim.cp.call(call.TriggerMessage(requested_message="Heartbeat", connector_id=9))
    assert unknown.status == "Rejected"
    # The 1.6 schema knows no other message names: the station's validation refuses them.
    with pytest.raises(OCPPError):
        await sim.cp.call(
            call.TriggerMessage(requested_message="SecurityEventNotification"),
            suppress=False,
            skip_schema_validation=True,
        )


async def test_certificate_store_and_renewal(sim: Simulated) -> None:
    """Security extension (whitepaper edition 2): InstallCertificate, GetInstalledCertificateIds,
    DeleteCertificate; ExtendedTriggerMessage SignChargePointCertificate sends a CSR, and
    CertificateSigned is taken for that CSR's key only."""
    kind = "CentralSystemRootCertificate"
    missing = await sim.cp.call(call.GetInstalledCertificateIds(certificate_type=kind))
    assert (missing.status, missing.certificate_hash_data) == ("NotFound", None)
    installed = await sim.cp.call(
        call.InstallCertificate(certificate_type=kind, certificate=certificate_pem())
    )
    assert installed.status == "Accepted"
    listed = await sim.cp.call(call.GetInstalledCertificateIds(certificate_type=kind))
    assert listed.status == "Accepted"
    assert [snake_to_camel_case(item) for item in listed.certificate_hash_data] == [
        hash_data(certificate_pem())
    ]
    deleted = await sim.cp.call(
        call.DeleteCertificate(certificate_hash_data=listed.certificate_hash_data[0])
    )
    assert deleted.status == "Accepted"

    asked = await sim.cp.call(
        call.ExtendedTriggerMessage(requested_message="SignChargePointCertificate")
    )
    assert asked.status == "Accepted"
    csr = (await sim.inbox.expect("SignCertificate"))["csr"]
    authority = create_authority()
    wrong = authority.sign_request(csr_pem("SIM-T"), days=1) + authority.certificate_pem
    assert (await sim.cp.call(call.CertificateSigned(certificate_chain=wrong))).status == (
        "Rejected"
    )
    right = authority.sign_request(csr, days=1, expected_common_name="SIM-T")
    signed = await sim.cp.call(
        call.CertificateSigned(certificate_chain=right + authority.certificate_pem)
    )
    assert signed.status == "Accepted"
    unknown = await sim.cp.call(
        call.ExtendedTriggerMessage(requested_message="LogStatusNotification")
    )
    assert unknown.status == "NotImplemented"
