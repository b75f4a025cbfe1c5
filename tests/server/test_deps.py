"""Request dependencies (``server/deps.py``): which requests count as writing for the crowd, and a request
marked ``read_only`` that tries to write fails loudly and changes nothing (SQLite; PostgreSQL too with
``RAPIDATA_NB_TEST_DATABASE=postgres``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import anyio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from rapidata_nb.server.app import create_app
from rapidata_nb.server.deps import RequestSlots, SessionDep, read_only
from rapidata_nb.server.settings import ServerSettings
from rapidata_nb.server.store.models import ClientCredential
from tests.utils.pgcluster import new_database_url, postgres_requested


def run_in_own_thread(main: Callable[[], Awaitable[None]]) -> None:
    """``anyio.run(main)`` on a thread of its own: a session-scoped Playwright browser (tests/browser) keeps
    an asyncio loop running on the main thread, where a second one cannot start."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(anyio.run, main).result()


class _Holder:
    """A request holding a slot in its own task (a borrower holds one token) until ``leave()``."""

    def __init__(self, slots: RequestSlots, *, read_only: bool) -> None:
        self.slots, self.read_only = slots, read_only
        self.entered, self.left, self._leave = anyio.Event(), anyio.Event(), anyio.Event()

    async def run(self) -> None:
        async with self.slots.hold(read_only=self.read_only):
            self.entered.set()
            await self._leave.wait()
        self.left.set()

    async def leave(self) -> None:
        self._leave.set()
        await self.left.wait()


def test_only_requests_that_may_write_count_as_writing() -> None:
    seen: list[bool] = []

    async def main() -> None:
        slots = RequestSlots(2)
        reader, writer = _Holder(slots, read_only=True), _Holder(slots, read_only=False)
        seen.append(slots.writing)
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(reader.run)
            await reader.entered.wait()
            seen.append(slots.writing)
            tasks.start_soon(writer.run)
            await writer.entered.wait()
            seen.append(slots.writing)
            await writer.leave()
            seen.append(slots.writing)
            await reader.leave()
        seen.append(slots.writing)

    run_in_own_thread(main)
    assert seen == [False, False, True, False, False]


def test_a_failed_writing_request_gives_its_writing_slot_back() -> None:
    seen: list[bool] = []

    async def main() -> None:
        slots = RequestSlots(1)
        with pytest.raises(RuntimeError):
            async with slots.hold():
                seen.append(slots.writing)
                raise RuntimeError("the handler failed")
        seen.append(slots.writing)

    run_in_own_thread(main)
    assert seen == [True, False]


@pytest.fixture
def app(tmp_path: Path) -> Iterator[FastAPI]:
    url = new_database_url("deps") if postgres_requested() else ""
    app = create_app(ServerSettings(data_dir=tmp_path, database_url=url, crowd=False))

    @app.get("/test/read-only-write")
    @read_only
    def read_only_write(session: SessionDep) -> dict[str, str]:
        session.execute(text("UPDATE client_credential SET display_name = 'written'"))
        return {}

    yield app
    app.state.engine.dispose()


def _display_names(app: FastAPI) -> set[str | None]:
    with app.state.session_factory() as session:
        return set(session.scalars(select(ClientCredential.display_name)))


def test_a_write_in_a_read_only_request_fails_loudly_and_changes_nothing(app: FastAPI) -> None:
    before = _display_names(app)
    with TestClient(app, raise_server_exceptions=False) as http:
        response = http.get("/test/read-only-write")
    assert response.status_code == 500
    assert response.json()["message"] in (
        "Internal server error (OperationalError)",  # SQLite: attempt to write a readonly database
        "Internal server error (InternalError)",  # PostgreSQL: cannot execute UPDATE in a read-only ...
    )
    assert "written" not in before
    assert _display_names(app) == before
