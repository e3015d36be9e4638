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
- NotifyEvent -> RecordEvents (with variableMonitoringId)
- NotifyMonitoringReport -> RecordMonitoringReport (the station's monitors)
- LogStatusNotification -> RecordDiagnosticsStatus (with requestId; kept in the history
  of that log request)
- NotifyCustomerInformation -> RecordCustomerInformation (a part of the report of a
  CustomerInformation request)
- NotifyDisplayMessages -> RecordDisplayMessages (the messages the station shows)
- FirmwareStatusNotification -> RecordFirmwareStatus (with requestId)
- PublishFirmwareStatusNotification -> RecordPublishFirmwareStatus (with requestId and
  the locations)
- DataTransfer -> RecordDataTransfer (data as text; JSON text when structured)
- ReportChargingProfiles -> RecordChargingProfiles (K09: the profiles the station holds)
- NotifyChargingLimit -> RecordChargingLimit, ClearedChargingLimit ->
  RecordClearedChargingLimit (K12/K13: the external limits in force)
- NotifyEVChargingNeeds -> RecordEVChargingNeeds; Accepted, then SetChargingProfile with
  the TxProfile of the schedule the service computed, for the transaction active on that
  EVSE, is sent after the answer (K15), and once accepted kept with RecordChargingProfiles;
  Rejected (NoTransaction) when none is active
- NotifyEVChargingSchedule -> RecordEVChargingSchedule; Accepted when the EV's schedule
  stays within the one offered, Rejected otherwise (K17)
- ReservationStatusUpdate -> TransactionService.RecordReservationStatus (H04: the
  reservation becomes EXPIRED or REMOVED)

ISO 15118 Plug & Charge (auth_svc makes the outside calls, ``edge.v201.plug_and_charge``):

- Authorize with ``iso15118CertificateHashData`` or ``certificate`` -> AuthService.Authorize
  with the contract certificate; ``certificateStatus`` in the answer (C07)
- GetCertificateStatus -> ContractCertificateService.GetCertificateStatus (M06)
- Get15118EVCertificate -> ContractCertificateService.GetEvContractCertificate (M01/M02)

No action a 2.0.1 station sends is answered NotImplemented.
"""
