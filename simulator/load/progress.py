"""The live progress display on stderr: one line rewritten in place on a terminal, or
a line every few seconds when stderr is a file or a pipe (CI logs, benchmarks)."""

from __future__ import annotations

import asyncio
import time
from typing import TextIO

from simulator.load.recorder import Recorder
from simulator.load.tally import Tally

# Refreshes of the line on a terminal.
TTY_EVERY = 0.5
# "\r" back to the line's start, then erase to its end (ECMA-48 EL).
REWRITE = "\r\x1b[K"


class Progress:
    def __init__(self, tally: Tally, recorder: Recorder, stream: TextIO, *, every: float) -> None:
        self.tally = tally
        self.recorder = recorder
        self.stream = stream
        self.tty = stream.isatty()
        self.every = TTY_EVERY if self.tty else every
        self.started = time.monotonic()
        self._last = (self.started, 0)

    async def run(self) -> None:
        """Show the line every :attr:`every` seconds until cancelled."""
        while True:
            await asyncio.sleep(self.every)
            self.show()

    def show(self) -> None:
        text = self.line()
        if self.tty:
            self.stream.write(REWRITE + text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        """The final state, and the terminal's line left as it is."""
        self.show()
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def line(self) -> str:
        now = time.monotonic()
        then, answered_then = self._last
        answered = self.recorder.answered
        rate = (answered - answered_then) / (now - then) if now > then else 0.0
        self._last = (now, answered)
        t = self.tally
        errors = sum(self.recorder.errors.values())
        return (
            f"[{now - self.started:6.1f}s] launched {t.launched}/{t.planned} "
            f"connected {t.connected} booted {t.booted} charging {t.charging} "
            f"msgs/s {rate:.0f} answered {answered} errors {errors}"
        )
