"""chargepoint_svc's domain: pure rules, no I/O, no SQLAlchemy, no protobuf; one concept a
module.

- :mod:`~chargepoint_svc.domain.charge_point`: charge points, their connectors, admission
  and what a station's event changes.
- :mod:`~chargepoint_svc.domain.base_report`: OCPP 2.x admission through the base report.
- :mod:`~chargepoint_svc.domain.device_model`: a station's device model as it reports it.
- :mod:`~chargepoint_svc.domain.station_events`: security and monitoring events.
- :mod:`~chargepoint_svc.domain.journal`: the message journal's entries and queries.
- :mod:`~chargepoint_svc.domain.station_requests`: requests sent to stations that they
  report on later (log uploads, customer information), and their reports.
- :mod:`~chargepoint_svc.domain.display_messages`: the messages a station shows drivers.
"""
