"""The charge point service: charge points and their admission (Accepted, Pending,
Rejected), the boot data stations report, connectors and their status, firmware and
diagnostics status, and what OCPP 2.x stations report: their device model (NotifyReport,
which also settles the base report a Pending station owes for admission), security events,
monitoring events and the monitors a station keeps (NotifyMonitoringReport, and the
SetVariableMonitoring/ClearVariableMonitoring it sends through the edge); and the message
journal, every OCPP frame the edge saw (DataTransfer
messages included), kept for a bounded time and size (:mod:`.domain.journal`).

It serves ``csms.chargepoint.v1.ChargePointService`` over gRPC and owns its own database
(the ``chargepoint`` schema, or its own SQLite file); nobody else reads its tables.

One StartTransaction traced through every file it crosses, edge and services alike:
``docs/life-of-a-message.md``.
"""
