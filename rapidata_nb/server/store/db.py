"""Engine and session factory: SQLite in WAL mode by default, any SQLAlchemy URL otherwise.

Every transaction on SQLite starts with ``BEGIN IMMEDIATE`` so concurrent writers (request threads and the
crowd) queue on the busy timeout instead of failing with "database is locked" on a lock upgrade.
``synchronous=FULL`` makes a committed transaction survive a power cut or ``kill -9`` (DESIGN §5).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from rapidata_nb.server.store.base import Base

__all__ = ["create_schema", "make_engine", "make_session_factory"]


def make_engine(url: str) -> Engine:
    """Create the engine for ``url`` (SQLite gets WAL, FULL sync, a busy timeout and immediate
    transactions)."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (responses are built after the commit)."""
    return sessionmaker(engine, expire_on_commit=False)


def create_schema(engine: Engine) -> None:
    """Create every table that does not exist yet (all modules of the store are imported first)."""
    import rapidata_nb.server.store.labeling  # noqa: F401
    import rapidata_nb.server.store.models  # noqa: F401

    Base.metadata.create_all(engine)
