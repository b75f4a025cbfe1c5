"""On embedded SQLite only the simulated crowd's commits skip the flush to disk; the rest commit FULL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from rapidata_nb.server.app import create_app
from rapidata_nb.server.settings import ServerSettings

FULL, NORMAL = 2, 1  # PRAGMA synchronous values


def _synchronous(session_factory: sessionmaker[Session]) -> int:
    with session_factory() as session:
        return int(session.execute(text("PRAGMA synchronous")).scalar_one())


def test_only_the_crowd_commits_without_a_flush(tmp_path: Path) -> None:
    app = create_app(ServerSettings(data_dir=tmp_path, crowd=False))
    try:
        assert _synchronous(app.state.session_factory) == FULL
        assert _synchronous(app.state.crowd_session_factory) == NORMAL
    finally:
        for factory in (app.state.session_factory, app.state.crowd_session_factory):
            factory.kw["bind"].dispose()
