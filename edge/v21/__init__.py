"""OCPP 2.1: translation of its messages to the version-neutral protobuf API, and the
session that answers a 2.1 charging station (station -> CSMS direction; the CSMS ->
station operations are in ``edge.v21.operations``).

2.1 reuses the 2.0.1 translation (``edge.v201.translate``) over the 2.1 dataclasses;
its session is the 2.0.1 session plus the actions 2.1 added. Status of every action a
2.1 station sends (OCPP 2.1 Part 2):

Handled and stored: as in 2.0.1 (see ``edge.v201``): BootNotification, Heartbeat,
StatusNotification, Authorize, TransactionEvent, MeterValues, NotifyReport,
SecurityEventNotification, NotifyEvent, NotifyMonitoringReport, LogStatusNotification,
FirmwareStatusNotification, PublishFirmwareStatusNotification, DataTransfer,
NotifyCustomerInformation, NotifyDisplayMessages, SignCertificate (its requestId is
repeated in CertificateSigned), ReservationStatusUpdate (2.1's NoTransaction stored as
REMOVED), the smart charging messages; ISO 15118 Plug & Charge as in 2.0.1: Authorize with
a contract certificate, GetCertificateStatus, Get15118EVCertificate (2.1's
prioritizedEMAIDs and maximumContractCertificateChains are not passed on), and 2.1's
GetCertificateChainStatus -> ContractCertificateService.GetCertificateChainStatus (OCSP or
CRL, as the station names). 2.1's added optional fields of these (e.g. TransactionEvent
transactionLimit, costDetails) are not kept (NotifyEvent severity and monitors'
eventNotificationType are); the stop reason ReqEnergyTransferRejected is stored as OTHER.

Answered only (empty answer, nothing stored yet):

- added in 2.1: BatterySwap, ClosePeriodicEventStream, NotifyDERAlarm,
  NotifyDERStartStop, NotifyPriorityCharging, NotifySettlement (the settlement is not
  recorded), ReportDERControl

NotImplemented:

- added in 2.1: OpenPeriodicEventStream (Accepted would invite SEND frames the edge does
  not read), PullDynamicScheduleUpdate (needs a schedule), VatNumberValidation (needs a
  VAT service)

OCPP-J 2.1 message types CALLRESULTERROR (5) and SEND (6) are read and never answered
(``OcppVersion.unanswered_message_types``); NotifyPeriodicEventStream, sent as SEND, is
therefore dropped.
"""
