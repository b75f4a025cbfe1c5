"""How big the crowd's rounds are (``crowd/runner.py``): full while nobody writes, small while a request that
may write is in flight and for the one round after the crowd waited for one (SQLite; PostgreSQL too with
``RAPIDATA_NB_TEST_DATABASE=postgres``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from rapidata_nb.server.app import create_app
from rapidata_nb.server.crowd.runner import _BUSY_ROUND, CrowdRunner
from rapidata_nb.server.settings import ServerSettings
from tests.utils.builders import create_definition
from tests.utils.pgcluster import new_database_url, postgres_requested

TASKS = _BUSY_ROUND + 10


@pytest.fixture
def app(tmp_path: Path) -> Iterator[FastAPI]:
    """No crowd thread, pace 0 (rounds sized by count), one running job of ``TASKS`` one-vote tasks."""
    url = new_database_url("rounds") if postgres_requested() else ""
    app = create_app(ServerSettings(data_dir=tmp_path, database_url=url, crowd=False, crowd_pace=0))
    creds = app.state.local_credentials
    with TestClient(app) as http:
        token = http.post(
            "/connect/token",
            data={"grant_type": "client_credentials"},
            auth=(creds["client_id"], creds["client_secret"]),
        ).json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        definition_id = create_definition(http, "compare", n=TASKS, votes=1)["definitionId"]
        job = http.post("/job", json={"jobDefinitionId": definition_id, "audienceId": "global"})
        assert job.status_code == 200, job.text
    yield app
    app.state.engine.dispose()


def _runner(app: FastAPI, busy: list[bool]) -> CrowdRunner:
    """A runner whose ``busy()`` answers ``busy`` in turn, then ``False``."""
    answers = iter(busy)
    return CrowdRunner(app.state.crowd_session_factory, app.state.settings, busy=lambda: next(answers, False))


def test_with_nobody_writing_a_round_takes_every_open_task(app: FastAPI) -> None:
    assert _runner(app, []).step() == TASKS


def test_the_round_after_waiting_for_a_request_is_small(app: FastAPI) -> None:
    runner = _runner(app, [True])  # a request that may write was in flight when the crowd rested
    runner._give_way(0.0)
    assert runner.step() == _BUSY_ROUND
    runner._give_way(0.0)  # nobody now
    assert runner.step() == TASKS - _BUSY_ROUND
