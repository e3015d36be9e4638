"""Logging set-up for a CSMS process: one line per event, key=value context."""

from __future__ import annotations

import logging
import sys


def configure(component: str, level: str) -> None:
    logging.basicConfig(
        level=level,
        stream=sys.stderr,
        format=f"%(asctime)s level=%(levelname)s component={component} logger=%(name)s %(message)s",
        force=True,
    )
    # The ocpp library logs every frame at INFO; that belongs at DEBUG in a server.
    logging.getLogger("ocpp").setLevel(max(logging.getLevelName(level), logging.WARNING))
    logging.getLogger("websockets").setLevel(max(logging.getLevelName(level), logging.WARNING))
