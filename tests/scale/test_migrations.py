"""Versioned migrations (issue 9): both stores reach the head revision, the models match the migrations, and a
database created before migrations existed is adopted without losing rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from rapidata_nb.server import migrations
from rapidata_nb.server.store.db import create_schema, import_models, make_engine
from tests.utils.pgcluster import new_database_url
from tests.utils.stores import STORES, require_postgres


def _url(store: str, tmp_path: Path) -> str:
    if store == "sqlite":
        return f"sqlite:///{tmp_path / 'm.db'}"
    require_postgres()
    return new_database_url("migrate")


@pytest.mark.parametrize("store", STORES)
def test_fresh_database_reaches_head_and_matches_the_models(store: str, tmp_path: Path) -> None:
    engine = make_engine(_url(store, tmp_path))
    create_schema(engine)
    create_schema(engine)  # idempotent: a restart migrates nothing
    with engine.connect() as conn:
        assert migrations.current_revision(conn) == migrations.head_revision()
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        drift = compare_metadata(context, import_models())
    engine.dispose()
    assert drift == [], (
        "the models differ from the migrations: add a revision with "
        "`python -m rapidata_nb.server.migrations revision -m '...' --database-url sqlite:////tmp/x.db`\n"
        f"{drift}"
    )


@pytest.mark.parametrize("store", STORES)
def test_database_from_before_migrations_is_stamped_and_kept(store: str, tmp_path: Path) -> None:
    engine = make_engine(_url(store, tmp_path))
    with engine.begin() as conn:  # the baseline's tables and no version table: a database from before issue 9
        command.upgrade(migrations.alembic_config(conn), migrations.BASELINE)
        conn.execute(text("DROP TABLE alembic_version"))
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO customer (id, email, created_at) VALUES ('c1', 'a@b.c', CURRENT_TIMESTAMP)")
        )
    create_schema(engine)
    with engine.connect() as conn:
        assert migrations.current_revision(conn) == migrations.head_revision()
        assert conn.execute(text("SELECT email FROM customer WHERE id = 'c1'")).scalar() == "a@b.c"
    engine.dispose()
