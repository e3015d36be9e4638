"""The simulated OCPP 2.0.1 and 2.1 charging station: the parts both versions share.

The two versions differ in the ``ocpp`` library module that validates their messages
(``ocpp.v201`` or ``ocpp.v21``), not in what this station sends or answers; the concrete
stations are :mod:`simulator.station_v201` and :mod:`simulator.station_v21`.
"""
