"""A busy store answers 503 with ``Retry-After`` and changes nothing; our client comes back and succeeds.

Another connection holds the lock every request needs (SQLite: the write lock; PostgreSQL: an exclusive lock
on the token table), and the server waits ``--db-lock-timeout`` for it. The client's retry is driven by what
the server answered: the transport releases the lock when it sees the 503, so no step waits on a clock.
On SQLite the read-only requests (``deps.read_only``: the progress poll, the result download) need no write
lock and are answered meanwhile.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from rapidata_nb import RapidataClient
from tests.utils.builders import create_definition
from tests.utils.server import LiveServer


@pytest.fixture(scope="module")
def busy_server(live_server_factory: Any) -> LiveServer:
    return live_server_factory(crowd=False, extra_args=("--db-lock-timeout", "0.3"))


@contextmanager
def held_lock(server: LiveServer) -> Iterator[Callable[[], None]]:
    """Hold the lock every request takes until the yielded ``release()`` is called (or the block ends)."""
    if server.database_url is None:
        holder: Any = sqlite3.connect(server.data_dir / "rapidata.db", check_same_thread=False)
        holder.isolation_level = None
        holder.execute("BEGIN IMMEDIATE")
    else:
        import psycopg

        holder = psycopg.connect(server.database_url.replace("postgresql+psycopg://", "postgresql://"))
        holder.execute("LOCK TABLE access_token IN ACCESS EXCLUSIVE MODE")
    released = False

    def release() -> None:
        nonlocal released
        if not released:
            released = True
            holder.rollback()
            holder.close()

    try:
        yield release
    finally:
        release()


def audience_names(server: LiveServer) -> list[str]:
    with server.client() as http:
        body = http.get("/audiences", params={"page": 1, "pageSize": 100}).raise_for_status().json()
    return [item["name"] for item in body["items"]]


def test_a_busy_store_answers_503_with_retry_after_and_changes_nothing(busy_server: LiveServer) -> None:
    token = busy_server.token()
    with held_lock(busy_server), busy_server.client(token) as http:
        response = http.post("/audience", json={"name": "made while busy"})
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    body = response.json()
    assert body["message"] == "The server's database is busy; retry after the time in Retry-After"
    assert body["traceId"] == response.headers["x-trace-id"]
    assert "made while busy" not in audience_names(busy_server)


class _ReleaseOnBusy(httpx.HTTPTransport):
    """A real HTTP transport that records statuses and releases the lock once the server says 503."""

    def __init__(self, release: Callable[[], None]) -> None:
        super().__init__()
        self.release = release
        self.statuses: list[int] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        self.statuses.append(response.status_code)
        if response.status_code == 503:
            self.release()
        return response


def test_the_client_retries_a_busy_store_and_succeeds_once(busy_server: LiveServer) -> None:
    with held_lock(busy_server) as release:
        transport = _ReleaseOnBusy(release)
        client = RapidataClient(
            client_id=busy_server.client_id,
            client_secret=busy_server.client_secret,
            environment=busy_server.url,
            transport=transport,
        )
        audience = client.audience.create_audience(name="made after a retry")
    assert 503 in transport.statuses
    assert transport.statuses[-1] < 300
    assert audience.name == "made after a retry"
    assert audience_names(busy_server).count("made after a retry") == 1


def test_on_sqlite_the_progress_poll_and_results_are_answered_while_a_writer_holds_the_lock(
    busy_server: LiveServer,
) -> None:
    if busy_server.database_url is not None:
        pytest.skip("PostgreSQL: the held lock is on the token table, which every request reads")
    with busy_server.client() as http:
        definition_id = create_definition(http, "compare", n=2, votes=1)["definitionId"]
        job = http.post("/job", json={"jobDefinitionId": definition_id, "audienceId": "global"})
        job_id = job.raise_for_status().json()["jobId"]
        reads = [
            f"/job/{job_id}",
            f"/job/{job_id}/progress",
            "/audience/global/user-metrics",
            f"/job/{job_id}/download-results",
        ]
        with held_lock(busy_server):
            statuses = [http.get(path).status_code for path in reads]
            refused = http.post(f"/job/{job_id}/pause").status_code
    assert statuses == [200, 200, 200, 200]
    assert refused == 503  # a writing request still waits for the lock
