"""Settings for a component under test: the environment's, with a change to one part."""

from __future__ import annotations

import dataclasses
from typing import Any

from servicekit.settings import Settings


def with_network(settings: Settings, **changes: Any) -> Settings:
    """``settings`` whose network part has ``changes`` (a fake's address, a shorter deadline)."""
    return dataclasses.replace(settings, network=dataclasses.replace(settings.network, **changes))
