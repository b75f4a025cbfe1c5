"""Engine, session factory and schema: SQLite in WAL mode by default, PostgreSQL for team servers.

Every transaction on SQLite starts with ``BEGIN IMMEDIATE`` so concurrent writers (request threads and the
crowd) queue on the busy timeout instead of failing with "database is locked" on a lock upgrade. A transaction
on an engine from :func:`read_only_engine` only reads: on SQLite it starts deferred, so in WAL mode it runs
beside the writer instead of queueing for the write lock, and a write in it fails (``PRAGMA query_only``); on
PostgreSQL it is ``READ ONLY``.
``synchronous=FULL`` makes a committed transaction survive a power cut or ``kill -9`` (DESIGN §5). The
database file is created ``0600`` (its WAL and shared-memory files take its mode) and ``secure_delete``
overwrites deleted rows, so a deleted secret does not linger in free pages.

On PostgreSQL several server replicas may share one database (DESIGN §5). Nothing relies on an in-memory
lock: "who gets this task" decisions take row locks (:func:`skip_locked`, :func:`lock_row`), schema
migrations and seeding run under a PostgreSQL advisory lock (:func:`startup_lock`), so replicas that start
together migrate and seed once.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, MetaData, Select, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from rapidata_nb.server.store.base import Base

__all__ = [
    "create_schema",
    "import_models",
    "insert_ignoring_duplicates",
    "is_postgres",
    "lock_row",
    "make_engine",
    "make_session_factory",
    "read_only_engine",
    "skip_locked",
    "startup_lock",
]

logger = logging.getLogger("rapidata_nb.server.store")

_STARTUP_LOCK_KEY = 0x52415049  # "RAPI": one advisory lock id for migrations + seeding
_T = TypeVar("_T", bound=Select)  # type: ignore[type-arg]  # any row shape
_READ_ONLY = "rapidata_read_only"  # execution option of read_only_engine(), and connection.info key


def read_only_engine(engine: Engine) -> Engine:
    """``engine`` for transactions that never write (same pool): a write in one of them raises.

    On SQLite such a transaction begins ``DEFERRED`` with ``PRAGMA query_only`` on its connection (switched
    back before the connection's next writing transaction): in WAL mode it reads a snapshot beside the
    writer, so a read-only request neither waits for the crowd's round nor holds the crowd back. On
    PostgreSQL it is ``SET TRANSACTION READ ONLY`` (readers never queued behind writers there).
    """
    return engine.execution_options(**{_READ_ONLY: True})


def _is_read_only(connection: Any) -> bool:
    return bool(connection.get_execution_options().get(_READ_ONLY, False))


def make_engine(url: str, *, lock_timeout: float = 30.0, durable: bool = True) -> Engine:
    """Create the engine for ``url``.

    SQLite gets WAL, FULL sync (NORMAL when not ``durable``: a commit is not flushed to disk until the next
    durable commit or checkpoint; after a power loss the database is consistent but may lack the last such
    transactions), a busy timeout and immediate transactions. PostgreSQL gets a connection pool
    sized for the request threadpool plus the crowd and programs threads and a ``lock_timeout``. Pooled
    connections are not pinged before use (a round trip per request, issue 14): a request that finds its
    connection cut (a database restart or failover) answers 503, and the pool replaces every connection
    made before the cut (``errors.is_busy``). ``lock_timeout`` seconds bound every wait for a
    lock or a pooled connection; past it the statement fails, and the API answers 503 (``errors.is_busy``).
    """
    if not url.startswith("sqlite"):
        options = f"-c lock_timeout={int(lock_timeout * 1000)}"
        pg_engine = create_engine(
            url,
            pool_size=20,
            max_overflow=40,
            pool_timeout=lock_timeout,
            connect_args={"options": options},
        )

        @event.listens_for(pg_engine, "begin")
        def _on_pg_begin(connection: Any) -> None:
            if _is_read_only(connection):
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")

        return pg_engine
    _private_sqlite_file(make_url(url).database)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": lock_timeout})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(lock_timeout * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        read_only = _is_read_only(connection)
        if connection.info.get(_READ_ONLY, False) != read_only:  # info: per DBAPI connection, reset with it
            connection.exec_driver_sql(f"PRAGMA query_only={'ON' if read_only else 'OFF'}")
            connection.info[_READ_ONLY] = read_only
        connection.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")

    return engine


def _private_sqlite_file(database: str | None) -> None:
    """Create the database file readable by its owner only, and tighten the files of an older one."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    for file in (path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
        if file.exists():
            os.chmod(file, 0o600)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (responses are built after the commit)."""
    return sessionmaker(engine, expire_on_commit=False)


def is_postgres(bind: Engine | Session) -> bool:
    """Whether ``bind`` talks to PostgreSQL."""
    engine = bind.get_bind() if isinstance(bind, Session) else bind
    return engine.dialect.name == "postgresql"


def skip_locked(query: _T) -> _T:
    """``SELECT ... FOR UPDATE SKIP LOCKED``: rows another transaction is deciding about are skipped.

    On PostgreSQL this lets several replicas pick tasks concurrently without serving the same one twice;
    SQLite ignores the clause (its writers are serialised by ``BEGIN IMMEDIATE`` already).
    """
    return query.with_for_update(skip_locked=True)


def insert_ignoring_duplicates(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """Insert ``rows``, skipping any whose primary key exists (``ON CONFLICT DO NOTHING``; no race between
    writers of the same row, e.g. two replicas storing the same upload)."""
    if not rows:
        return
    if is_postgres(session):
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(insert(model).on_conflict_do_nothing(), rows)


def lock_row(session: Session, model: type[Any], row_id: Any) -> Any:
    """Load ``model`` ``row_id`` with ``FOR UPDATE`` (waits for other writers of the row), fresh."""
    from sqlalchemy import select

    pk = model.__mapper__.primary_key[0]
    return session.scalars(
        select(model).where(pk == row_id).with_for_update().execution_options(populate_existing=True)
    ).first()


@contextmanager
def startup_lock(engine: Engine) -> Iterator[None]:
    """Hold a PostgreSQL advisory lock (no-op on SQLite): replicas starting together migrate/seed in turn."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as conn:
        # a replica waits for another's migrations as long as they take, not the requests' lock timeout
        conn.execute(text("SET lock_timeout = 0"))
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _STARTUP_LOCK_KEY})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _STARTUP_LOCK_KEY})
            conn.execute(text("RESET lock_timeout"))  # back to the engine's, before the pool reuses it
            conn.commit()


def import_models() -> MetaData:
    """Import every module that declares tables and return the shared metadata."""
    import rapidata_nb.server.store.labeling  # noqa: F401
    import rapidata_nb.server.store.models  # noqa: F401
    import rapidata_nb.server.store.programs  # noqa: F401
    import rapidata_nb.server.store.validation  # noqa: F401

    return Base.metadata


def create_schema(engine: Engine) -> None:
    """Bring the database to the newest schema: Alembic migrations (``server/migrations``), then any table
    a newer module declares that no migration creates yet (logged: it needs a revision file)."""
    from rapidata_nb.server import migrations

    metadata = import_models()
    with startup_lock(engine), engine.begin() as conn:
        migrations.upgrade(conn)
        from sqlalchemy import inspect

        missing = [t for t in metadata.sorted_tables if not inspect(conn).has_table(t.name)]
        if missing:
            logger.warning(
                "tables without a migration: %s (add one: python -m rapidata_nb.server.migrations revision)",
                ", ".join(t.name for t in missing),
            )
            metadata.create_all(conn, tables=missing)
