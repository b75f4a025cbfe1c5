"""Counting the SQL statements an embedded server runs for requests (issue 14's statement bounds).

The ``embedded`` and ``api`` fixtures give a test module its own server in this process (crowd off), so that
its engine's statements can be counted; import them into the module to use them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from rapidata_nb.server.embedded import EmbeddedServer, start_embedded
from tests.utils.server import get_token

BACKGROUND = ("rapidata-programs", "rapidata-nb-crowd")
"""The server's threads that poll on their own clock: their statements are not a request's."""


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    """An embedded server for the test module, crowd off."""
    server = start_embedded(Path(tmp_path_factory.mktemp("counted")), crowd=False)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def api(embedded: EmbeddedServer) -> Iterator[httpx.Client]:
    """An API client of ``embedded`` with a bearer token."""
    token = get_token(embedded.url, embedded.client_id, embedded.client_secret)
    with httpx.Client(base_url=embedded.url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
        yield c


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
