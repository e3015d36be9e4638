"""``csms-sim load``: a fleet of simulated charge points for load runs and benchmarks.

Unlike the single station (``csms-sim CHARGE_POINT_ID``), which speaks through the
``ocpp`` library and answers every CSMS call, a load station is a raw OCPP-J client that
sends a fixed script and measures: the simulator must not be the bottleneck.

- :mod:`~simulator.load.cli`       the command line, and running one plan
- :mod:`~simulator.load.plan`      what a run does: fleet size, version mix, ramp, schedule
- :mod:`~simulator.load.fleet`     the ramp and the run's clock
- :mod:`~simulator.load.station`   one station's life, the same for every version
- :mod:`~simulator.load.station_v16`, :mod:`~simulator.load.station_v2`  its messages
- :mod:`~simulator.load.storm`     the reconnect storm
- :mod:`~simulator.load.wire`      the raw OCPP-J connection
- :mod:`~simulator.load.recorder`  latency, offered and achieved messages, errors
- :mod:`~simulator.load.tally`     where the fleet's charge points are
- :mod:`~simulator.load.progress`  the live progress line
- :mod:`~simulator.load.report`    the summary, as text or JSON
"""
