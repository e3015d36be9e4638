"""Fixtures of auth_svc's tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from servicekit.migrations import upgrade
from tests.auth_svc.support.fakes import FakeTransactionService, fake_transaction_server


@pytest.fixture
async def migrated_url(database_url: str) -> str:
    """``database_url`` with auth_svc's migrations applied."""
    await asyncio.to_thread(upgrade, "auth", database_url)
    return database_url


@pytest.fixture
async def transaction_server() -> AsyncIterator[tuple[FakeTransactionService, str]]:
    async with fake_transaction_server() as served:
        yield served
