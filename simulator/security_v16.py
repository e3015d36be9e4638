"""Answers to the certificate management of the OCPP 1.6 security extension (security
whitepaper edition 2: InstallCertificate, GetInstalledCertificateIds, DeleteCertificate,
ExtendedTriggerMessage, CertificateSigned), one per action, from the station's
:class:`~simulator.certificates.CertificateStore`.

A 1.6 station keeps two kinds of root, CentralSystemRootCertificate and
ManufacturerRootCertificate (CertificateUseEnumType), and one certificate of its own, which
it asks the CSMS to sign with SignCertificate.
"""

from __future__ import annotations

from typing import Any

from ocpp.v16 import call_result
from ocpp.v16.enums import (
    CertificateSignedStatus,
    CertificateStatus,
    DeleteCertificateStatus,
    GetInstalledCertificateStatus,
)

from simulator.firmware_v16 import Sender
from simulator.signed_firmware_v16 import SignedFirmwareHandlers
from simulator.station import on

# ExtendedTriggerMessage's MessageTriggerEnumType value for a new station certificate.
SIGN_CERTIFICATE = "SignChargePointCertificate"


class SecurityHandlers(SignedFirmwareHandlers):
    @on("InstallCertificate")
    def on_install_certificate(self, **payload: Any) -> call_result.InstallCertificate:
        """Accepted, or Rejected when the certificate cannot be read."""
        kept = self.state.certificates.install(payload["certificate_type"], payload["certificate"])
        status = CertificateStatus.accepted if kept else CertificateStatus.rejected
        shown = {"certificate_type": payload["certificate_type"]}
        return self.heard(
            "InstallCertificate", shown, call_result.InstallCertificate(status), status
        )

    @on("GetInstalledCertificateIds")
    def on_get_installed_certificate_ids(
        self, **payload: Any
    ) -> call_result.GetInstalledCertificateIds:
        """The hash data of every root of the type asked for; NotFound when there is none
        (the answer then carries no hash data)."""
        found = self.state.certificates.installed([payload["certificate_type"]])
        if not found:
            status = GetInstalledCertificateStatus.not_found
            answer = call_result.GetInstalledCertificateIds(status)
            return self.heard("GetInstalledCertificateIds", payload, answer, status)
        answer = call_result.GetInstalledCertificateIds(
            GetInstalledCertificateStatus.accepted,
            certificate_hash_data=[data for _use, data in found],
        )
        shown = f"Accepted, {len(found)} certificate(s)"
        return self.heard("GetInstalledCertificateIds", payload, answer, shown)

    @on("DeleteCertificate")
    def on_delete_certificate(self, **payload: Any) -> call_result.DeleteCertificate:
        """Accepted when a root with this hash data was installed, NotFound otherwise."""
        deleted = self.state.certificates.delete(payload["certificate_hash_data"])
        status = DeleteCertificateStatus.accepted if deleted else DeleteCertificateStatus.not_found
        return self.heard(
            "DeleteCertificate", payload, call_result.DeleteCertificate(status), status
        )

    @on("ExtendedTriggerMessage")
    def on_extended_trigger_message(self, **payload: Any) -> call_result.ExtendedTriggerMessage:
        """TriggerMessage's answers, and SignChargePointCertificate: a new key, then
        SignCertificate with its request. LogStatusNotification and FirmwareStatusNotification
        (which here means SignedFirmwareStatusNotification) are NotImplemented: this station
        has no security log and no signed firmware update."""
        requested, connector_id = payload["requested_message"], payload.get("connector_id")
        senders: dict[str, Sender] = {
            **self.core_senders(connector_id),
            SIGN_CERTIFICATE: self.request_certificate,
        }
        status = self.trigger(senders, requested, connector_id)
        answer = call_result.ExtendedTriggerMessage(status)
        return self.heard("ExtendedTriggerMessage", payload, answer, status)

    async def request_certificate(self) -> None:
        await self.uplink.sign_certificate(self.state.certificates.signing_request(self.id))

    @on("CertificateSigned")
    def on_certificate_signed(self, **payload: Any) -> call_result.CertificateSigned:
        """Accepted when the chain's certificate holds the key of the last request;
        Rejected otherwise (a chain nobody asked for is never installed)."""
        taken = self.state.certificates.accept_chain(payload["certificate_chain"])
        status = CertificateSignedStatus.accepted if taken else CertificateSignedStatus.rejected
        shown = {"certificate_chain": f"({len(payload['certificate_chain'])} characters)"}
        return self.heard("CertificateSigned", shown, call_result.CertificateSigned(status), status)
