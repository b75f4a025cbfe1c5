"""Stopping a job and an answer in flight, on PostgreSQL (issue 9, the fence in ``store.jobs.set_state``).

A stop locks every task of the job before it changes the job, and ``dispatch.submit`` re-reads the job after
it has locked its task. So an answer racing a stop is either committed before the stop (and counted) or
refused after it: results read after a stop never change. The race is staged with
two store sessions, as two server processes would hold them; the test waits for PostgreSQL to report the
blocked backend rather than sleeping.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.utils.labelers import compare_job
from tests.utils.pgcluster import wait_for_lock_wait
from tests.utils.server import LiveServer

pytestmark = pytest.mark.slow


def _leased_task(server: LiveServer) -> tuple[str, str, str]:
    """``(job id, task id, labeler id)``: a fresh job with one task leased to a new labeler."""
    with server.client() as api:
        job_id = compare_job(api, "fence", n=1, votes=3)
    started = httpx.post(f"{server.url}/labeler/session", json={"name": "racer"}).json()
    items = httpx.get(f"{server.url}/labeler/session/{started['sessionId']}/tasks").json()["items"]
    return job_id, items[0]["taskId"], started["labelerId"]


def _submit_in_thread(factory: Any, task_id: str, labeler_id: str, outcome: list[str]) -> threading.Thread:
    from rapidata_nb.server import dispatch
    from rapidata_nb.server.errors import ConflictError
    from rapidata_nb.server.store.labeling import JobTask, Labeler

    def run() -> None:
        with factory() as session:
            try:
                dispatch.submit(
                    session=session,
                    labeler=session.get(Labeler, labeler_id),
                    task=session.get(JobTask, task_id),
                    answer={"winner": 0},
                )
                session.commit()
                outcome.append("accepted")
            except ConflictError:
                session.rollback()
                outcome.append("refused")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_an_answer_that_waits_on_a_stop_is_refused_after_it(postgres_url: str, tmp_path: Path) -> None:
    from rapidata_nb.server.programs import jobs as job_layer
    from rapidata_nb.server.store.db import make_engine, make_session_factory

    server = LiveServer(tmp_path / "data", crowd=False, extra_args=("--database-url", postgres_url)).start()
    engine = make_engine(postgres_url)
    factory = make_session_factory(engine)
    try:
        job_id, task_id, labeler_id = _leased_task(server)
        outcome: list[str] = []
        with factory() as stopper:
            job_layer.stop_job(session=stopper, job_id=job_id)  # holds the task locks until it commits
            racer = _submit_in_thread(factory, task_id, labeler_id, outcome)
            wait_for_lock_wait(engine)  # the answer read "Running" and now waits for its task row
            stopper.commit()
        racer.join(timeout=60)
        assert outcome == ["refused"]
        with engine.connect() as conn:
            stored = conn.execute(
                text("SELECT count(*) FROM response WHERE job_id = :j"), {"j": job_id}
            ).scalar()
            state = conn.execute(text("SELECT state FROM job WHERE id = :j"), {"j": job_id}).scalar()
        assert (state, stored) == ("Completed", 0)
        with server.client() as api:
            assert api.get(f"/job/{job_id}").json()["state"] == "Completed"
    finally:
        engine.dispose()
        server.stop()
