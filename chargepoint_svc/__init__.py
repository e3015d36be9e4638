"""The charge point service: charge points and their admission (Accepted, Pending,
Rejected), the boot data stations report, connectors and their status, firmware and
diagnostics status, and the DataTransfer messages stations send.

It serves ``csms.chargepoint.v1.ChargePointService`` over gRPC and owns its own database
(the ``chargepoint`` schema, or its own SQLite file); nobody else reads its tables.
"""
