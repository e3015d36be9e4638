"""The simulator's errors.

SimulatorError
├── ScenarioFailed   the run cannot go on; the CLI prints it and exits 1
│   └── ConnectionLost   the CSMS closed the socket (with --stay: reconnect)
└── CallFailed       one station-initiated call got a CALLERROR or no answer
"""

from __future__ import annotations


class SimulatorError(Exception):
    """Base of the simulator's errors; the message is written for a person."""


class ScenarioFailed(SimulatorError):
    """The session cannot go on; the message says why and what to do."""


class ConnectionLost(ScenarioFailed):
    """The CSMS closed the connection; a station that stays connects again."""


class CallFailed(SimulatorError):
    """The CSMS answered a call with a CALLERROR, or not in time; the message is the line."""
