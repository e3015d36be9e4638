"""The transaction service: charging transactions, their meter values and the energy they
delivered.

It allocates the OCPP 1.6 integer ``transactionId`` (from its database, never from a clock),
records every start and stop a station reports whatever the authorization decision (the
station has already started charging; OCPP 1.6 §4.8), and asks auth_svc for the
``idTagInfo`` it hands back. It owns its own database schema and nothing else.

OCPP 2.x transactions (TransactionEvent, 2.0.1 E01-E15) are the same transactions: named by
the station's own string ``transactionId`` and a seqNo per event, recorded once per seqNo
(:mod:`transaction_svc.domain.transaction_event`), still given a CSMS integer id.

It also owns reservations (OCPP 1.6 Reservation profile, 2.0.1 H01-H04): it allocates the
``reservationId``, sends ReserveNow / CancelReservation through the edge's EdgeService,
records the station's answers, and checks starting transactions against them.

One StartTransaction traced through every file it crosses, edge and services alike:
``docs/life-of-a-message.md``.
"""
