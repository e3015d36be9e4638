from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from edge.server import RunningEdge
from tests.edge.support.hostile import edge_with
from tests.support.fake_services import Fakes, edge, fakes

__all__ = ["edge", "fakes"]


@pytest.fixture
async def open_edge(fakes: Fakes, tmp_path: Path) -> AsyncIterator[RunningEdge]:
    """An edge whose rate limit never gets in the way of a test that sends fast."""
    async with edge_with(
        fakes, tmp_path, CSMS_MESSAGE_RATE="100000", CSMS_MESSAGE_BURST="100000"
    ) as running:
        yield running
