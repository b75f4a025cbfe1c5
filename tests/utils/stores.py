"""Each store by name (``sqlite``/``postgres``) for servers under test, and engines on what they committed.

PostgreSQL tests skip (with the reason) only when Debian's binaries are missing; ``make test`` installs them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from tests.utils.pgcluster import find_bin_dir, new_database_url
from tests.utils.server import get_token

STORES = ("sqlite", "postgres")


def require_postgres() -> None:
    """Skip the calling test when PostgreSQL is not installed."""
    if find_bin_dir() is None:
        pytest.skip("PostgreSQL binaries missing (apt-get install -y postgresql)")


def database_args(store: str) -> tuple[str, ...]:
    """``--database-url`` arguments for a server on ``store`` (SQLite: the data directory's default)."""
    if store == "sqlite":
        return ()
    require_postgres()
    return ("--database-url", new_database_url("scale"))


def store_engine(data_dir: Path, extra_args: tuple[str, ...]) -> Engine:
    """An engine on the database a server with ``extra_args`` uses (to check what it committed).

    Unpooled: a connection closes when the test is done with it, so no open connection is left for the
    garbage collector to warn about (warnings are errors) in whichever test runs next.
    """
    if "--database-url" in extra_args:
        return create_engine(extra_args[extra_args.index("--database-url") + 1], poolclass=NullPool)
    return create_engine(f"sqlite:///{data_dir / 'rapidata.db'}", poolclass=NullPool)


def engine_of(server: Any) -> Engine:
    """An engine on a ``LiveServer``'s database (its PostgreSQL database or the data directory's SQLite)."""
    if getattr(server, "database_url", None):
        return create_engine(server.database_url, poolclass=NullPool)
    return store_engine(server.data_dir, tuple(server.extra_args))


@contextmanager
def another_customer(server: Any, email: str) -> Iterator[httpx.Client]:
    """An API client of a second customer of ``server``, created the way ``rapidata-nb user create`` does."""
    from rapidata_nb.server.store import identity

    engine = engine_of(server)
    with Session(engine) as session:
        user = identity.create_user(session=session, email=email, password="another-password-123")
        client_id, secret = identity.create_client(
            session=session, customer_id=user.customer_id, display_name=email
        )
        session.commit()
    engine.dispose()
    token = get_token(server.url, client_id, secret)
    with httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as client:
        yield client
