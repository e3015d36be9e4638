"""OCPP 2.0.1: translation of its messages to the version-neutral protobuf API, and the
session that answers a 2.0.1 charging station (station -> CSMS direction; the CSMS ->
station operations are in ``edge.v201.operations``).

Status of every action a 2.0.1 station sends (OCPP 2.0.1 Part 2):

Handled and stored (one gRPC call each):

- BootNotification -> ChargePointService.RecordBoot; when the reply asks for a base
  report, GetBaseReport(FullInventory) is sent after the answer (B02/B07)
- Heartbeat -> RecordHeartbeat
- StatusNotification -> RecordConnectorStatus
- Authorize -> AuthService.Authorize (purpose AUTHORIZE)
- TransactionEvent -> TransactionService.RecordTransactionEvent
- MeterValues -> RecordMeterValues (no transaction)
- NotifyReport -> RecordReport; when the reply says admit_now, TriggerMessage
  (BootNotification) is sent after the answer
- SecurityEventNotification -> RecordSecurityEvent
- SignCertificate -> CertificateAuthorityService.SignChargePointCertificate (auth_svc's
  CA); Accepted when signed, then CertificateSigned with the chain is sent after the
  answer (A02/A03); Rejected (with the reason) when refused, recorded as a
  CertificateSigningRequestRejected security event
- NotifyEvent -> RecordEvents
- LogStatusNotification -> RecordDiagnosticsStatus (with requestId)
- FirmwareStatusNotification -> RecordFirmwareStatus (with requestId)
- PublishFirmwareStatusNotification -> RecordPublishFirmwareStatus (with requestId and
  the locations)
- DataTransfer -> RecordDataTransfer (data as text; JSON text when structured)

Answered only (the answer is empty and promises nothing; nothing is stored yet):

- NotifyChargingLimit, ClearedChargingLimit, ReportChargingProfiles,
  NotifyCustomerInformation, NotifyMonitoringReport, NotifyDisplayMessages,
  ReservationStatusUpdate

NotImplemented (any answer would promise what the CSMS does not do):

- NotifyEVChargingNeeds (Accepted promises a charging schedule)
- NotifyEVChargingSchedule (its status accepts or renegotiates the EV's schedule)
- Get15118EVCertificate, GetCertificateStatus (need a certificate or OCSP service)
"""
