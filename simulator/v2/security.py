"""Answers to OCPP 2.x certificate management (M03 GetInstalledCertificateIds, M04
DeleteCertificate, M05 InstallCertificate) and to A02/A03's CertificateSigned, one per
action, from the station's :class:`~simulator.certificates.CertificateStore`; the same for
2.0.1 and 2.1. TriggerMessage SignChargingStationCertificate (A03) is in
:mod:`simulator.v2.management`."""

from __future__ import annotations

from typing import Any

from simulator.station import on
from simulator.v2.station import StationV2


class SecurityHandlers(StationV2):
    @on("InstallCertificate")
    def on_install_certificate(self, **payload: Any) -> Any:
        """M05: Accepted, or Rejected when the certificate cannot be read."""
        use = payload["certificate_type"]
        status = (
            "Accepted"
            if self.state.certificates.install(use, payload["certificate"])
            else ("Rejected")
        )
        answer = self.results.InstallCertificate(status=status)
        return self.heard("InstallCertificate", {"certificate_type": use}, answer, status)

    @on("GetInstalledCertificateIds")
    def on_get_installed_certificate_ids(self, **payload: Any) -> Any:
        """M03: the hash data of every root of the types asked for (no type: all);
        NotFound when there is none."""
        found = self.state.certificates.installed(payload.get("certificate_type") or None)
        if not found:
            answer = self.results.GetInstalledCertificateIds(status="NotFound")
            return self.heard("GetInstalledCertificateIds", payload, answer, "NotFound")
        chain = [{"certificate_type": use, "certificate_hash_data": data} for use, data in found]
        answer = self.results.GetInstalledCertificateIds(
            status="Accepted", certificate_hash_data_chain=chain
        )
        shown = f"Accepted, {len(found)} certificate(s)"
        return self.heard("GetInstalledCertificateIds", payload, answer, shown)

    @on("DeleteCertificate")
    def on_delete_certificate(self, **payload: Any) -> Any:
        """M04: Accepted when a root with this hash data was installed, NotFound otherwise."""
        deleted = self.state.certificates.delete(payload["certificate_hash_data"])
        status = "Accepted" if deleted else "NotFound"
        answer = self.results.DeleteCertificate(status=status)
        return self.heard("DeleteCertificate", payload, answer, status)

    @on("CertificateSigned")
    def on_certificate_signed(self, **payload: Any) -> Any:
        """A02.FR.07: Accepted when the chain's certificate holds the key of the last
        request; Rejected otherwise."""
        taken = self.state.certificates.accept_chain(payload["certificate_chain"])
        status = "Accepted" if taken else "Rejected"
        shown = {"certificate_chain": f"({len(payload['certificate_chain'])} characters)"}
        answer = self.results.CertificateSigned(status=status)
        return self.heard("CertificateSigned", shown, answer, status)
