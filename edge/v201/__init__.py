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
- DataTransfer -> RecordDataTransfer (data as text; JSON text when structured)

ISO 15118 Plug & Charge (auth_svc makes the outside calls, ``edge.v201.plug_and_charge``):

- Authorize with ``iso15118CertificateHashData`` or ``certificate`` -> AuthService.Authorize
  with the contract certificate; ``certificateStatus`` in the answer (C07)
- GetCertificateStatus -> ContractCertificateService.GetCertificateStatus (M06)
- Get15118EVCertificate -> ContractCertificateService.GetEvContractCertificate (M01/M02)

Answered only (the answer is empty and promises nothing; nothing is stored yet):

- NotifyChargingLimit, ClearedChargingLimit, ReportChargingProfiles,
  NotifyCustomerInformation, NotifyMonitoringReport, NotifyDisplayMessages,
  ReservationStatusUpdate, PublishFirmwareStatusNotification

NotImplemented (any answer would promise what the CSMS does not do):

- NotifyEVChargingNeeds (Accepted promises a charging schedule)
- NotifyEVChargingSchedule (its status accepts or renegotiates the EV's schedule)
"""
