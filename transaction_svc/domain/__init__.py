"""transaction_svc's domain: pure rules, no I/O, no storage, no protobuf; one concept a
module.

- :mod:`~transaction_svc.domain.transaction`: transactions, their start and stop (OCPP 1.6
  StartTransaction/StopTransaction).
- :mod:`~transaction_svc.domain.transaction_event`: OCPP 2.x TransactionEvent.
- :mod:`~transaction_svc.domain.meter_values`: meter values, their samples and the energy
  they measure.
- :mod:`~transaction_svc.domain.authorization`: the decision auth_svc gave about an
  identifier.
- :mod:`~transaction_svc.domain.reservation`: reservations and how they bear on a start.
- :mod:`~transaction_svc.domain.orphan`: transaction data the CSMS could not apply.
"""
