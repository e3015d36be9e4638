"""The unit of work every service's use cases run in: its protocol, and the lifecycle that
the SQL adapters and the in-memory twins of every service share.

A unit of work is one atomic change: what is done through its repositories is stored by
:meth:`UnitOfWork.commit`, or nothing is (leaving the ``async with`` block without a commit,
or with an exception, rolls back). A service's own unit of work adds its repositories as
properties on top of these bases; the repositories reach the store through
:attr:`SqlUnitOfWork.connection` or :attr:`MemoryUnitOfWork.working`, which refuse to be
used outside the block so that a forgotten ``async with`` fails loudly instead of writing
nowhere.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from types import TracebackType
from typing import Generic, Protocol, Self, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

OUTSIDE_THE_BLOCK = "the unit of work is used outside its `async with` block"

T = TypeVar("T")


def _inside_the_block(current: T | None) -> T:
    """What the current block holds; a block that is not open is a programming error."""
    if current is None:
        raise RuntimeError(OUTSIDE_THE_BLOCK)
    return current


class UnitOfWork(Protocol):
    """One atomic change; a service's protocol extends it with its repositories."""

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed."""
        ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class SqlUnitOfWork:
    """One connection and one database transaction per ``async with`` block.

    After :meth:`commit` the block may go on: the connection begins a new transaction on
    its next statement, and that one is rolled back on exit unless committed too.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None

    @property
    def connection(self) -> AsyncConnection:
        """The connection of the current block, for the repositories."""
        return _inside_the_block(self._connection)

    async def __aenter__(self) -> Self:
        connection = await self._engine.connect()
        try:
            await connection.begin()
        except BaseException:
            # Not ours to keep: __aexit__ is not called when __aenter__ fails.
            await connection.close()
            raise
        self._connection = connection
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        connection = self.connection
        self._connection = None
        try:
            if connection.in_transaction():
                await connection.rollback()
        finally:
            await connection.close()

    async def commit(self) -> None:
        connection = self.connection
        try:
            await connection.commit()
        except BaseException:
            # Whether the database committed is unknown, and SQLAlchemy will not roll back a
            # transaction whose commit failed (it counts it as ended): returned to the pool,
            # the connection could carry this block's writes into the next block's commit.
            # Discarding it ends whatever the server still holds.
            await connection.invalidate()
            raise

    async def rollback(self) -> None:
        await self.connection.rollback()


@dataclass
class MemoryStore:
    """The committed state of an in-memory twin of a service's database.

    Subclass it as a dataclass whose fields hold frozen values, directly or in containers
    (dicts, lists): a copy copies the containers and shares the values. ``commits`` counts
    the commits, so that tests can tell whether a use case stored anything.
    """

    commits: int = 0

    def copy(self) -> Self:
        """A working copy: changing its containers leaves this store as it is."""
        return dataclasses.replace(
            self,
            **{field.name: copy.copy(getattr(self, field.name)) for field in _fields(self)},
        )

    def publish(self, work: Self) -> None:
        """Take ``work``'s contents (copied) as the committed state; count one commit."""
        for field in _fields(self):
            setattr(self, field.name, copy.copy(getattr(work, field.name)))
        self.commits += 1


def _fields(store: MemoryStore) -> list[dataclasses.Field[object]]:
    return [field for field in dataclasses.fields(store) if field.name != "commits"]


StoreT = TypeVar("StoreT", bound=MemoryStore)


class MemoryUnitOfWork(Generic[StoreT]):
    """Works on a copy of a :class:`MemoryStore` and publishes it on commit, so a block left
    without committing changes nothing, as a rolled-back database transaction would.

    One unit of work at a time is assumed: two open at once each publish their whole copy,
    and the later commit wins (a database would have serialised them instead).
    """

    def __init__(self, store: StoreT) -> None:
        self._store = store
        self._working: StoreT | None = None

    @property
    def working(self) -> StoreT:
        """The working copy of the current block, for the repositories."""
        return _inside_the_block(self._working)

    async def __aenter__(self) -> Self:
        self._working = self._store.copy()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._working = None

    async def commit(self) -> None:
        self._store.publish(self.working)

    async def rollback(self) -> None:
        _inside_the_block(self._working)
        self._working = self._store.copy()
