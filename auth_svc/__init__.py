"""auth_svc: identifiers (OCPP 1.6 idTag, OCPP 2.x idToken), their stored status, and the
authorization decisions given to charge points.

It owns the ``id_tags`` table in its own database and asks transaction_svc (over gRPC,
through :class:`auth_svc.ports.ActiveTransactions`) whether an identifier is already
charging, because only transaction_svc knows which transactions are open.

It also owns the local authorization list (OCPP 1.6 LocalAuthListManagement, 2.0.1 D01-D02):
its members and version, the version each station accepted, and sending the list through
the edge's EdgeService (:class:`auth_svc.ports.Stations`).

And it owns charge point credentials (OCPP security profiles, :mod:`auth_svc.domain.credentials`):
each charge point's profile and Basic auth password hash, the decision at every WebSocket
handshake (``AuthenticateChargePoint``, asked by the edge), and changing a station's password.

One StartTransaction traced through every file it crosses, edge and services alike:
``docs/life-of-a-message.md``.
"""
