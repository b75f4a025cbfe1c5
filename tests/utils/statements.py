"""Counting the SQL statements an embedded server runs for requests (issue 14's statement bounds)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from rapidata_nb.server.embedded import EmbeddedServer

BACKGROUND = ("rapidata-programs", "rapidata-nb-crowd")
"""The server's threads that poll on their own clock: their statements are not a request's."""


@contextmanager
def counted(server: EmbeddedServer) -> Iterator[list[str]]:
    """The SQL statements the server runs meanwhile for requests (not its background threads)."""
    engine = server._server.config.app.state.engine
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if threading.current_thread().name not in BACKGROUND:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
