"""Who labels what next: the one code path for people (the ``/labeler`` feed) and the simulated crowd.

A response's path (DESIGN §6, §11): :func:`open_job` turns a job's datapoints into tasks
(:mod:`.lifecycle`); :func:`next_tasks` leases tasks to a labeler for a bounded time (:mod:`.leasing`);
:func:`submit` validates an answer and stores it with the labeler's user score in the job's audience, then
the referee may close the task and the last closed task completes the job (:mod:`.answers`,
:mod:`.lifecycle`). Who may answer an audience's jobs and with which score is :mod:`.pools`; what a task
shows is :mod:`.context`.

Safety under concurrency comes from row locks and from the unique constraints on ``(task, labeler)`` of leases
and responses, never from in-memory locks; responses may exceed a task's target only by leases that were
already out (bounded overflow).
"""

from __future__ import annotations

from rapidata_nb.server.dispatch.answers import (
    GoneError,
    answer_in_session,
    submit,
    submit_example,
    validate_answer,
)
from rapidata_nb.server.dispatch.context import JobContext, as_utc, load_context, task_view
from rapidata_nb.server.dispatch.leasing import LEASE_SECONDS, next_tasks, serve_session
from rapidata_nb.server.dispatch.lifecycle import close_task, job_progress, open_job
from rapidata_nb.server.dispatch.pools import audience_blocker, audience_pool, labeler_score

__all__ = [
    "LEASE_SECONDS",
    "GoneError",
    "JobContext",
    "answer_in_session",
    "as_utc",
    "audience_blocker",
    "audience_pool",
    "close_task",
    "job_progress",
    "labeler_score",
    "load_context",
    "next_tasks",
    "open_job",
    "serve_session",
    "submit",
    "submit_example",
    "task_view",
    "validate_answer",
]
