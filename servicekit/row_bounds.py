"""One statement for every per-station bound (:mod:`chargepoint_svc.retention`,
:mod:`transaction_svc.retention`): delete a charge point's rows beyond the newest ones that
fit its bound.

A running sum over each charge point's rows, newest first, says how much is kept up to and
including each row; a row whose running sum passes the bound goes. Only charge points over
their bound are ranked (the ``HAVING`` pre-filter), so a fleet within its bounds costs one
aggregate per purge. Window functions and row-value ``IN`` need SQLite 3.25 and any
PostgreSQL the CSMS supports.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Delete, Table, delete, func, select, true, tuple_


def beyond_bound(
    table: Table,
    *,
    keys: Sequence[str],
    newest_first: Sequence[ColumnElement[object]],
    weight: ColumnElement[int],
    bound: int,
    limit: int,
    where: ColumnElement[bool] | None = None,
) -> Delete:
    """DELETE up to ``limit`` rows of ``table`` (identified by the ``keys`` columns) that
    fall beyond ``bound`` of ``weight`` summed per charge point in ``newest_first`` order.

    ``where``: only the rows it holds for count and go (e.g. meter values of no
    transaction); the others are neither counted nor deleted."""
    owner = table.c.charge_point_id
    rows = true() if where is None else where
    over = select(owner).where(rows).group_by(owner).having(func.sum(weight) > bound)
    kept = func.sum(weight).over(partition_by=owner, order_by=list(newest_first))
    ranked = (
        select(*(table.c[key] for key in keys), kept.label("kept"))
        .where(rows, owner.in_(over.scalar_subquery()))
        .subquery()
    )
    doomed = select(*(ranked.c[key] for key in keys)).where(ranked.c.kept > bound).limit(limit)
    if len(keys) == 1:
        return delete(table).where(table.c[keys[0]].in_(doomed.scalar_subquery()))
    return delete(table).where(tuple_(*(table.c[key] for key in keys)).in_(doomed))


def indexes_beyond(owners: Sequence[str], keep: int, limit: int) -> list[int]:
    """The in-memory twin of :func:`beyond_bound` with a weight of one per row: indexes
    (into ``owners``, the rows' charge points newest first) of the rows beyond each owner's
    ``keep`` newest, at most ``limit`` of them, oldest first."""
    seen: dict[str, int] = {}
    over: list[int] = []
    for index, owner in enumerate(owners):
        seen[owner] = seen.get(owner, 0) + 1
        if seen[owner] > keep:
            over.append(index)
    return list(reversed(over))[:limit]
