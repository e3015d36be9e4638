"""The OCPP edge: WebSocket sessions with charge points, OCPP-J framing, and translation of
each OCPP call into one gRPC call to a service. It keeps no state beyond live sessions.

Where things are:

- a connection: ``server`` (handshake, admission, the session's life), ``session`` (the
  socket and its reading loop), ``inbound_frames`` (what each frame is, without the
  socket), ``inbound_calls`` (the station's CALLs answered), ``outbound_calls`` (the
  CSMS's own CALLs correlated), ``handler_table``, ``framing``, ``payload_schema``,
  ``rate_limit``, ``journal_feed`` (frames fed to chargepoint_svc's message journal);
- each OCPP version: ``v16``, ``v201``, ``v21`` (the session's handlers, translation,
  the version's operations), listed in ``version_table``;
- EdgeService, the operator's API: ``edge_service``, ``operations`` (the version-neutral
  half of the operations), ``cluster`` (replicas forwarding to the one holding a socket).

One StartTransaction traced through every file it crosses, edge and services alike:
``docs/life-of-a-message.md``."""
