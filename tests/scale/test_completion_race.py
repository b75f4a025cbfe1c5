"""Closing a job's last two tasks at once completes the job exactly once, never zero times, on PostgreSQL
(``dispatch.lifecycle.maybe_complete``: a closing transaction that holds another open task returns at
once; the others queue on the job's row).

Each race is staged with two store sessions, as two server processes would hold them; the test waits for
PostgreSQL to report the blocked backend rather than sleeping.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from tests.utils.labelers import compare_job
from tests.utils.pgcluster import wait_for_lock_wait
from tests.utils.server import LiveServer

pytestmark = pytest.mark.slow


def _close_in_thread(factory: Any, task_id: str) -> threading.Thread:
    from rapidata_nb.server import dispatch
    from rapidata_nb.server.store.labeling import JobTask

    def run() -> None:
        with factory() as session:
            dispatch.close_task(session=session, task=session.get(JobTask, task_id))
            session.commit()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def two_tasks(postgres_url: str, tmp_path: Path) -> Any:
    """``(session factory, engine, job id, [task ids])`` of a fresh running job with two open tasks."""
    from rapidata_nb.server.store.db import make_engine, make_session_factory
    from rapidata_nb.server.store.labeling import JobTask

    server = LiveServer(tmp_path / "data", crowd=False, extra_args=("--database-url", postgres_url)).start()
    engine = make_engine(postgres_url)
    factory = make_session_factory(engine)
    try:
        with server.client() as api:
            job_id = compare_job(api, "race", n=2, votes=3)
        with factory() as session:
            tasks = list(session.scalars(select(JobTask.id).where(JobTask.job_id == job_id)))
        yield factory, engine, job_id, sorted(tasks)
    finally:
        engine.dispose()
        server.stop()


def _completion(engine: Any, job_id: str) -> tuple[str, int]:
    with engine.connect() as conn:
        state = conn.execute(text("SELECT state FROM job WHERE id = :j"), {"j": job_id}).scalar_one()
        open_tasks = conn.execute(
            text("SELECT count(*) FROM job_task WHERE job_id = :j AND NOT done"), {"j": job_id}
        ).scalar_one()
    return state, open_tasks


def test_a_closing_that_holds_the_other_open_task_leaves_the_completion_to_its_closer(two_tasks: Any) -> None:
    from rapidata_nb.server import dispatch
    from rapidata_nb.server.store.labeling import JobTask

    factory, engine, job_id, (first, second) = two_tasks
    with factory() as session:
        dispatch.close_task(session=session, task=session.get(JobTask, first))  # holds `second`, returns
        assert _completion(engine, job_id) == ("Running", 2)  # nothing committed yet
        closer = _close_in_thread(factory, second)
        wait_for_lock_wait(engine)  # closing `second` waits until this transaction lets it go
        session.commit()
    closer.join(timeout=60)
    assert _completion(engine, job_id) == ("Completed", 0)


def test_two_closings_that_see_each_others_task_open_complete_the_job_once(two_tasks: Any) -> None:
    from rapidata_nb.server import dispatch
    from rapidata_nb.server.dispatch.lifecycle import maybe_complete
    from rapidata_nb.server.store.labeling import JobTask
    from rapidata_nb.server.store.models import Job

    factory, engine, job_id, (first, second) = two_tasks
    closed, go = threading.Event(), threading.Event()

    def close_second() -> None:  # closes `second`, then checks only once `one` has checked
        with factory() as other:
            other.get(JobTask, second).done = True
            other.flush()
            closed.set()
            go.wait(timeout=60)
            maybe_complete(other, dispatch.load_context(other, other.get(Job, job_id)), seed=7)
            other.commit()

    racer = threading.Thread(target=close_second, daemon=True)
    racer.start()
    assert closed.wait(timeout=60)
    with factory() as one:
        dispatch.close_task(session=one, task=one.get(JobTask, first))  # sees `second` open: no completion
        go.set()
        wait_for_lock_wait(engine)  # the other closing queues on the job's row that `one` holds
        assert _completion(engine, job_id) == ("Running", 2)
        one.commit()
    racer.join(timeout=60)
    assert _completion(engine, job_id) == ("Completed", 0)
