"""Read-only transactions (``store.db.read_only_engine``): a write in one raises, on SQLite they read beside
the writer, and the connection they leave writes again. SQLite always; PostgreSQL too with
``RAPIDATA_NB_TEST_DATABASE=postgres``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from rapidata_nb.server.store.db import make_engine, read_only_engine
from tests.utils.pgcluster import new_database_url, postgres_requested

STORES = ["sqlite", *(["postgres"] if postgres_requested() else [])]


@pytest.fixture(params=STORES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    url = new_database_url("ro") if request.param == "postgres" else f"sqlite:///{tmp_path / 'ro.db'}"
    engine = make_engine(url, lock_timeout=0.2)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"))
        conn.execute(text("INSERT INTO note (id, body) VALUES (1, 'kept')"))
    yield engine
    engine.dispose()


def _bodies(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT body FROM note ORDER BY id")).scalars())


def test_a_write_in_a_read_only_transaction_raises_and_changes_nothing(engine: Engine) -> None:
    with read_only_engine(engine).connect() as conn:
        assert conn.execute(text("SELECT body FROM note")).scalar_one() == "kept"
        with pytest.raises(DBAPIError, match="(?i)read.?only"):
            conn.execute(text("DELETE FROM note"))
    assert _bodies(engine) == ["kept"]


def test_the_connection_a_read_only_transaction_used_writes_again(engine: Engine) -> None:
    with read_only_engine(engine).connect() as conn:
        first = conn.connection.dbapi_connection
        conn.execute(text("SELECT 1"))
    with engine.begin() as conn:
        assert conn.connection.dbapi_connection is first  # the pool handed the same connection back
        conn.execute(text("INSERT INTO note (id, body) VALUES (2, 'added')"))
    assert _bodies(engine) == ["kept", "added"]


def test_a_read_only_transaction_reads_beside_an_open_writer_on_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL readers never queued behind writers")
    with engine.connect() as writer:  # BEGIN IMMEDIATE: holds the write lock until the block ends
        writer.execute(text("INSERT INTO note (id, body) VALUES (2, 'uncommitted')"))
        # a reader that wanted the write lock would fail here after the 0.2 s lock timeout
        with read_only_engine(engine).connect() as reader:
            assert list(reader.execute(text("SELECT body FROM note")).scalars()) == ["kept"]
        writer.rollback()
