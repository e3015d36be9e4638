from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from auth_svc.adapters.memory import MemoryStore
from auth_svc.domain.id_tag import AuthorizationStatus, IdTagFields, IdTokenInfo, Purpose
from auth_svc.errors import DuplicateIdTag, InvalidRequest, UnknownIdTag
from auth_svc.use_cases import IdTagUseCases
from servicekit.clock import FixedClock
from servicekit.pagination import PageRequest

pytestmark = pytest.mark.unit


NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
A = AuthorizationStatus


class CountingTransactions:
    """An ActiveTransactions port that answers from a dict and remembers who was asked."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.asked: list[str] = []

    async def count_active(self, id_tag: str) -> int:
        self.asked.append(id_tag)
        return self.counts.get(id_tag, 0)


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def transactions() -> CountingTransactions:
    return CountingTransactions()


@pytest.fixture
def use_cases(
    store: MemoryStore, clock: FixedClock, transactions: CountingTransactions
) -> IdTagUseCases:
    return IdTagUseCases(store.unit_of_work, clock, transactions)


def fields(
    id_tag: str,
    status: AuthorizationStatus = A.ACCEPTED,
    expires_at: datetime | None = None,
    parent: str | None = None,
) -> IdTagFields:
    return IdTagFields(id_tag, status, expires_at, parent)


async def test_create_stores_the_tag_with_timestamps(
    use_cases: IdTagUseCases, store: MemoryStore
) -> None:
    expires = NOW + timedelta(days=1)
    created = await use_cases.create_id_tag(fields("TAG1", A.BLOCKED, expires, "GROUP"))
    assert (created.id_tag, created.status, created.expires_at, created.parent_id_tag) == (
        "TAG1",
        A.BLOCKED,
        expires,
        "GROUP",
    )
    assert created.created_at == created.updated_at == NOW
    assert store.id_tags == {"TAG1": created}
    assert await use_cases.get_id_tag("TAG1") == created


async def test_create_refuses_duplicates_and_invalid_fields(
    use_cases: IdTagUseCases, store: MemoryStore
) -> None:
    await use_cases.create_id_tag(fields("TAG1"))
    with pytest.raises(DuplicateIdTag, match="id tag TAG1 already exists; use PUT to change it"):
        await use_cases.create_id_tag(fields("TAG1", A.BLOCKED))
    with pytest.raises(InvalidRequest, match="cannot be stored"):
        await use_cases.create_id_tag(fields("TAG2", A.CONCURRENT_TX))
    with pytest.raises(InvalidRequest, match="without spaces"):
        await use_cases.create_id_tag(fields("TAG 3"))
    assert list(store.id_tags) == ["TAG1"]
    assert store.id_tags["TAG1"].status is A.ACCEPTED


async def test_get_unknown(use_cases: IdTagUseCases) -> None:
    with pytest.raises(UnknownIdTag, match="id tag NOPE does not exist"):
        await use_cases.get_id_tag("NOPE")
    with pytest.raises(InvalidRequest):
        await use_cases.get_id_tag("")


async def test_update_replaces_fields_and_keeps_creation_time(
    use_cases: IdTagUseCases, clock: FixedClock
) -> None:
    await use_cases.create_id_tag(fields("TAG1", expires_at=NOW + timedelta(days=1), parent="P"))
    clock.at = NOW + timedelta(hours=1)
    updated = await use_cases.update_id_tag(fields("TAG1", A.BLOCKED))
    assert updated.status is A.BLOCKED
    assert updated.expires_at is None
    assert updated.parent_id_tag is None
    assert updated.created_at == NOW
    assert updated.updated_at == NOW + timedelta(hours=1)
    assert await use_cases.get_id_tag("TAG1") == updated


async def test_update_unknown_or_invalid(use_cases: IdTagUseCases, store: MemoryStore) -> None:
    with pytest.raises(UnknownIdTag):
        await use_cases.update_id_tag(fields("NOPE"))
    await use_cases.create_id_tag(fields("TAG1"))
    with pytest.raises(InvalidRequest, match="cannot be stored"):
        await use_cases.update_id_tag(fields("TAG1", A.NO_CREDIT))
    assert store.id_tags["TAG1"].status is A.ACCEPTED
    assert store.commits == 1


async def test_list_pages_in_id_tag_order(use_cases: IdTagUseCases) -> None:
    for id_tag in ["C", "A", "E", "B", "D"]:
        await use_cases.create_id_tag(fields(id_tag))
    first = await use_cases.list_id_tags(PageRequest(2, None))
    assert [t.id_tag for t in first.id_tags] == ["A", "B"]
    assert first.last == "B"
    second = await use_cases.list_id_tags(PageRequest(2, first.last))
    assert [t.id_tag for t in second.id_tags] == ["C", "D"]
    third = await use_cases.list_id_tags(PageRequest(2, second.last))
    assert [t.id_tag for t in third.id_tags] == ["E"]
    assert third.last is None
    exact = await use_cases.list_id_tags(PageRequest(5, None))
    assert len(exact.id_tags) == 5
    assert exact.last is None


async def test_list_empty(use_cases: IdTagUseCases) -> None:
    page = await use_cases.list_id_tags(PageRequest(10, None))
    assert page.id_tags == ()
    assert page.last is None


async def test_authorize_accepted_asks_for_active_transactions(
    use_cases: IdTagUseCases, transactions: CountingTransactions
) -> None:
    expires = NOW + timedelta(days=1)
    await use_cases.create_id_tag(fields("TAG1", expires_at=expires, parent="GROUP"))
    assert await use_cases.authorize("TAG1", Purpose.AUTHORIZE) == IdTokenInfo(
        A.ACCEPTED, expires, "GROUP"
    )
    transactions.counts["TAG1"] = 1
    assert await use_cases.authorize("TAG1", Purpose.START_TRANSACTION) == IdTokenInfo(
        A.CONCURRENT_TX, expires, "GROUP"
    )
    assert transactions.asked == ["TAG1", "TAG1"]


async def test_authorize_without_asking_transactions(
    use_cases: IdTagUseCases, transactions: CountingTransactions, clock: FixedClock
) -> None:
    transactions.counts = {"OPEN": 1, "BLOCKED": 1, "OLD": 1}
    await use_cases.create_id_tag(fields("OPEN"))
    await use_cases.create_id_tag(fields("BLOCKED", A.BLOCKED))
    await use_cases.create_id_tag(fields("OLD", expires_at=NOW + timedelta(minutes=1)))
    clock.at = NOW + timedelta(minutes=1)

    assert (await use_cases.authorize("OPEN", Purpose.STOP_TRANSACTION)).status is A.ACCEPTED
    assert (await use_cases.authorize("BLOCKED", Purpose.AUTHORIZE)).status is A.BLOCKED
    assert (await use_cases.authorize("OLD", Purpose.START_TRANSACTION)).status is A.EXPIRED
    assert (await use_cases.authorize("NOBODY", Purpose.AUTHORIZE)).status is A.INVALID
    assert transactions.asked == []


async def test_authorize_validates_the_identifier(use_cases: IdTagUseCases) -> None:
    with pytest.raises(InvalidRequest, match="id_tag is empty"):
        await use_cases.authorize("", Purpose.AUTHORIZE)
    with pytest.raises(InvalidRequest, match="at most 36"):
        await use_cases.authorize("x" * 37, Purpose.AUTHORIZE)
