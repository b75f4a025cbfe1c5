"""Alembic environment: the models' metadata, SQLite in batch mode (ALTER TABLE by table copy)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, pool

from rapidata_nb.server.store.db import import_models

target_metadata = import_models()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Use the caller's connection (``upgrade(connection)``) or connect to ``sqlalchemy.url``."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "", poolclass=pool.NullPool)
    with engine.begin() as conn:
        _run(conn)


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; pass --database-url")
run_migrations_online()
