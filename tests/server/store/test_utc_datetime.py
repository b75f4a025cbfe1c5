"""Every timestamp of the store is written in UTC and read back as an aware UTC datetime (issue 17)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Column, DateTime, Engine, Integer, MetaData, Table, create_engine, insert, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.pool import NullPool

from rapidata_nb.server.store.base import UtcDateTime
from rapidata_nb.server.store.db import import_models
from tests.utils.pgcluster import new_database_url
from tests.utils.stores import STORES, require_postgres

moments = Table(
    "moment",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("at", UtcDateTime()),
)

BERLIN_NOON = datetime(2026, 7, 1, 12, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))


def _engine(store: str, tmp_path: Path) -> Engine:
    if store == "sqlite":
        return create_engine(f"sqlite:///{tmp_path / 'moments.db'}", poolclass=NullPool)
    require_postgres()
    return create_engine(new_database_url("utc"), poolclass=NullPool)


@pytest.mark.parametrize("store", STORES)
def test_a_moment_comes_back_as_the_same_instant_in_utc(store: str, tmp_path: Path) -> None:
    engine = _engine(store, tmp_path)
    try:
        with engine.begin() as conn:
            moments.create(conn)
            conn.execute(insert(moments), [{"id": 1, "at": BERLIN_NOON}, {"id": 2, "at": None}])
        with engine.connect() as conn:
            if store == "postgres":  # a session in another time zone still reads UTC
                conn.execute(text("SET TIME ZONE 'Asia/Kolkata'"))
            rows = dict(conn.execute(select(moments.c.id, moments.c.at)).all())
            later = conn.execute(
                select(moments.c.id).where(moments.c.at > datetime(2026, 7, 1, 9, 59, tzinfo=UTC))
            )
            assert later.scalars().all() == [1]
    finally:
        engine.dispose()
    assert rows == {1: datetime(2026, 7, 1, 10, 0, 0, 123456, tzinfo=UTC), 2: None}
    assert rows[1].tzinfo is UTC


def test_sqlite_keeps_the_naive_utc_text(tmp_path: Path) -> None:
    """The SQL type is unchanged (``DateTime(timezone=True)``): existing databases need no migration."""
    engine = _engine("sqlite", tmp_path)
    try:
        with engine.begin() as conn:
            moments.create(conn)
            conn.execute(insert(moments), [{"id": 1, "at": BERLIN_NOON}])
            stored = conn.execute(text("SELECT at FROM moment")).scalar_one()
    finally:
        engine.dispose()
    assert stored == "2026-07-01 10:00:00.123456"


def test_a_naive_datetime_is_refused(tmp_path: Path) -> None:
    engine = _engine("sqlite", tmp_path)
    try:
        with engine.begin() as conn:
            moments.create(conn)
            with pytest.raises(StatementError, match="naive datetime"):
                conn.execute(insert(moments), [{"id": 1, "at": datetime(2026, 7, 1, 12)}])
    finally:
        engine.dispose()


def test_every_timestamp_column_of_the_store_is_utc() -> None:
    tables = import_models().sorted_tables
    columns = [c for t in tables for c in t.columns if isinstance(getattr(c.type, "impl", c.type), DateTime)]
    assert len(columns) > 30
    assert [f"{c.table.name}.{c.name}" for c in columns if not isinstance(c.type, UtcDateTime)] == []
