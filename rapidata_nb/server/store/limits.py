"""Budgets shared by every replica: a generic cell-rate algorithm (GCRA) over the ``rate_limit`` table.

A budget of ``burst`` units refilled at ``per_second`` is one number per key, its *theoretical arrival time*
``tat``: the budget is full at ``tat <= now`` and spent when taking one more unit would push ``tat`` past
``now + burst / per_second``. Taking is one ``INSERT … ON CONFLICT DO UPDATE … WHERE … RETURNING``, so the
check and the count are a single statement: the row lock (PostgreSQL) or the write lock (SQLite) makes
concurrent takers, on any replica, wait for each other instead of all reading the same level.

Takes belong to the caller's transaction: a request that fails rolls its take back with everything else, and
a caller that must keep a take whatever follows (a failed credential check) commits it.
"""

from __future__ import annotations

import hashlib
import time

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from rapidata_nb.server.store.db import is_postgres, skip_locked
from rapidata_nb.server.store.models import RateLimitState

__all__ = ["budget_key", "give_back", "prune", "take"]


def budget_key(kind: str, value: str) -> str:
    """The stored key of ``value``'s budget of ``kind`` (a sha256: addresses and emails are not kept)."""
    return hashlib.sha256(f"{kind}\0{value}".encode()).hexdigest()


def _insert(session: Session):  # type: ignore[no-untyped-def]
    if is_postgres(session):
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(RateLimitState)


def take(session: Session, key: str, *, burst: float, per_second: float) -> float:
    """Take one unit of ``key``'s budget; return 0 if taken, else the seconds until one is left."""
    now = time.time()
    interval = 1.0 / per_second
    greatest = func.greatest if is_postgres(session) else func.max
    stmt = _insert(session).values(key=key, tat=now + interval)
    next_tat = greatest(RateLimitState.tat, now) + interval
    stmt = stmt.on_conflict_do_update(
        index_elements=[RateLimitState.key],
        set_={"tat": next_tat},
        where=next_tat - now <= burst * interval,
    ).returning(RateLimitState.tat)
    if session.execute(stmt).first() is not None:
        return 0.0
    tat = session.scalar(select(RateLimitState.tat).where(RateLimitState.key == key))
    # The wait counts from the refusal, not from ``now``: the statement may have waited for another taker's
    # lock, and that taker's later clock is in ``tat``.
    refused_at = time.time()
    return max(0.0, (tat or refused_at) + interval - refused_at - burst * interval)


def give_back(session: Session, key: str, *, per_second: float) -> None:
    """Return one unit taken from ``key``'s budget (an attempt that turned out fine)."""
    session.execute(
        RateLimitState.__table__.update()
        .where(RateLimitState.key == key)
        .values(tat=RateLimitState.tat - 1.0 / per_second)
    )


def prune(session: Session, *, now: float | None = None) -> None:
    """Delete full budgets (``tat`` past), skipping rows other transactions hold."""
    now = time.time() if now is None else now
    full = skip_locked(select(RateLimitState.key).where(RateLimitState.tat < now).limit(1000))
    session.execute(delete(RateLimitState).where(RateLimitState.key.in_(full.scalar_subquery())))
