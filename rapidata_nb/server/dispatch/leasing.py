"""Leasing: serving work to a labeler (qualification examples first, then job tasks) for a bounded time.

A fetch is a constant number of statements whatever the job's size: the labeler's eligible jobs, then per
job (usually the first serves) one candidate query that walks the open tasks in index order (fewest
responses first) and locks the ones it takes (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), a recount of their
active leases under those locks (PostgreSQL only), one bulk insert of the leases and up to three reads of
what the tasks show. A
task is never leased beyond its target: responses plus unexpired leases are counted under the task's row
lock, so the overflow stays bounded by leases that expire (DESIGN §5/§6).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from rapidata_nb.api.models.labeler import ServedExample, ServedTask, TaskFeed
from rapidata_nb.server.dispatch.context import (
    Material,
    asset_inputs,
    load_context,
    load_material,
    media_context,
    served_task,
    task_view,
)
from rapidata_nb.server.dispatch.pools import labeler_score, resolve_audience
from rapidata_nb.server.errors import NotFoundError
from rapidata_nb.server.labeling import qualification, sessions
from rapidata_nb.server.labeling.content import NO_MISTAKES
from rapidata_nb.server.labeling.views import order_shown
from rapidata_nb.server.store.db import is_postgres, skip_locked
from rapidata_nb.server.store.labeling import (
    Audience,
    AudienceExample,
    AudienceMember,
    ExampleAnswer,
    JobTask,
    Labeler,
    LabelerSession,
    TaskLease,
    new_id,
    utcnow,
)
from rapidata_nb.server.store.models import Job

__all__ = ["LEASE_SECONDS", "active_leases", "next_tasks", "serve_session"]

LEASE_SECONDS = 25.0
"""How long a served task stays answerable (the docs' 25 s of work per session)."""
_CLAIM_ROUNDS = 4
"""Candidate walks per fetch: concurrent fetches take rooms between a walk and its recount."""


def active_leases(task_id: Any, now: datetime) -> Any:
    """Count of unanswered, unexpired leases of ``task_id`` (a value, or the ``JobTask.id`` column)."""
    return (
        select(func.count())
        .select_from(TaskLease)
        .where(TaskLease.task_id == task_id, TaskLease.answered.is_(False), TaskLease.expires_at > now)
    )


def next_tasks(
    *,
    session: Session,
    labeler: Labeler,
    limit: int = 1,
    session_id: str | None = None,
    audience_id: str | None = None,
    seconds: float = LEASE_SECONDS,
    seed: int = 7,
    job_id: str | None = None,
) -> list[ServedTask]:
    """Serve up to ``limit`` items to a (human) labeler: qualification examples first, then job tasks.

    ``job_id`` narrows the job tasks to one job (an unlisted audience's job link, ``job.label()``).

    Examples come from audiences where the labeler is ``Distilling`` (joining ``audience_id`` if it is a
    recruiting custom audience). Tasks come from running jobs whose audience includes the labeler, oldest job
    first: fewest responses first, never one the labeler was served before, never one whose target is
    already covered by responses plus active leases.
    """
    served: list[ServedTask] = list(
        _serve_examples(session, labeler, audience_id=audience_id, limit=limit, seed=seed)
    )
    now = utcnow()
    for job in _eligible_jobs(session, labeler, audience_id=audience_id, job_id=job_id):
        if len(served) >= limit:
            break
        ctx = load_context(session, job)
        tasks = _claim(session, job_id=job.id, labeler_id=labeler.id, n=limit - len(served), now=now)
        if not tasks:
            continue
        material = load_material(session, tasks, dataset_ids={job.id: ctx.spec.dataset_id})
        expires = now + timedelta(seconds=seconds)
        rows = [
            {
                "id": new_id("lse"),
                "task_id": task.id,
                "labeler_id": labeler.id,
                "session_id": session_id,
                "shown_order": order_shown(
                    task_view(material, ctx.spec, task), seed=seed, labeler_id=labeler.id
                ),
                "created_at": now,
                "expires_at": expires,
                "answered": False,
            }
            for task in tasks
        ]
        session.execute(_INSERT_LEASES, rows)
        served += [
            served_task(
                material,
                ctx.spec,
                task,
                lease_id=row["id"],
                shown_order=row["shown_order"],
                expires_at=expires,
            )
            for task, row in zip(tasks, rows, strict=True)
        ]
    return served[:limit]


def serve_session(
    *, session: Session, labeler_session: LabelerSession, limit: int, job_id: str | None, seed: int
) -> TaskFeed:
    """The next items of a person's feed, leased for the session's deadline (:func:`next_tasks`)."""
    labeler = session.get(Labeler, labeler_session.labeler_id)
    if labeler is None:
        raise NotFoundError(f"labeler of session '{labeler_session.id}' not found")
    items = next_tasks(
        session=session,
        labeler=labeler,
        limit=limit,
        session_id=labeler_session.id,
        audience_id=labeler_session.audience_id,
        seconds=float(labeler_session.lease_seconds or LEASE_SECONDS),
        seed=seed,
        job_id=job_id,
    )
    return TaskFeed(items=items)


def _running_jobs(*, by_audience: bool, by_job: bool) -> Any:
    # the audiences come along (resolve_audience then finds them in the identity map)
    query = (
        select(Job, Audience)
        .outerjoin(Audience, Audience.id == Job.audience_id)
        .where(Job.state == "Running", Job.deleted.is_(False))
    )
    if by_audience:
        query = query.where(Job.audience_id == bindparam("audience_id"))
    if by_job:
        query = query.where(Job.id == bindparam("job_id"))
    return query.order_by(Job.created_at, Job.id)


_RUNNING_JOBS = {(a, j): _running_jobs(by_audience=a, by_job=j) for a in (False, True) for j in (False, True)}
"""Running jobs with their audiences, by ``(audience_id given, job_id given)``; built once (issue 14)."""
_INSERT_LEASES = insert(TaskLease.__table__)
"""A Core insert of lease rows: no ORM bulk machinery for the one row a fetch usually adds."""


def _eligible_jobs(
    session: Session, labeler: Labeler, *, audience_id: str | None, job_id: str | None
) -> list[Job]:
    """Running jobs whose audience includes the labeler, oldest first (one audience check per audience)."""
    query = _RUNNING_JOBS[audience_id is not None, job_id is not None]
    eligible: dict[str, bool] = {}
    jobs = []
    for job, _ in session.execute(query, {"audience_id": audience_id, "job_id": job_id}):
        if job.audience_id not in eligible:
            eligible[job.audience_id] = _may_answer(session, job.audience_id, labeler, audience_id)
        if eligible[job.audience_id]:
            jobs.append(job)
    return jobs


def _may_answer(session: Session, job_audience_id: str, labeler: Labeler, via: str | None) -> bool:
    aud = resolve_audience(session, job_audience_id)
    if aud is None or labeler_score(session, aud, labeler) is None:
        return False
    return aud.kind != "unlisted" or via == aud.id  # unlisted: only people who came through its link


_CANDIDATES = skip_locked(
    select(JobTask)
    .where(
        JobTask.job_id == bindparam("job_id"),
        JobTask.done.is_(False),
        JobTask.id.not_in(select(TaskLease.task_id).where(TaskLease.labeler_id == bindparam("labeler_id"))),
        JobTask.id.not_in(bindparam("passed", expanding=True)),
        JobTask.response_count + active_leases(JobTask.id, bindparam("now")).scalar_subquery()
        < JobTask.target_responses,
    )
    .order_by(JobTask.response_count, JobTask.sort_index, JobTask.id)
    .limit(bindparam("n"))
)
"""The open tasks of ``job_id`` with room for one more response that ``labeler_id`` was never served, minus
``passed``, fewest responses first (:func:`_claim`); built once, as every fetch runs it (issue 14)."""


def _claim(session: Session, *, job_id: str, labeler_id: str, n: int, now: datetime) -> list[JobTask]:
    """Lock up to ``n`` open tasks of the job with room for one more response, fewest responses first.

    The candidate query walks the job's open tasks in the order of the ``ix_job_task_serve`` index and skips
    rows another transaction holds (DESIGN §5: the task row is the lock of "who gets this task"). Leases are
    then recounted under the locks, in a statement of their own (it sees every lease committed meanwhile);
    tasks whose room was taken are let go and the walk goes on past them, a bounded number of times. On
    SQLite the transaction holds the write lock since its first statement, so nobody leased meanwhile and
    the recount is left out.
    """
    taken: list[JobTask] = []
    passed: set[str] = set()
    for _ in range(_CLAIM_ROUNDS):
        params = {
            "job_id": job_id,
            "labeler_id": labeler_id,
            "now": now,
            "passed": sorted(passed | {t.id for t in taken}),
            "n": n - len(taken),
        }
        candidates = list(session.scalars(_CANDIDATES, params))
        if not candidates:
            break
        # SQLite serialises writers from BEGIN IMMEDIATE on, so the candidate query's count is final there
        counts = _lease_counts(session, [t.id for t in candidates], now) if is_postgres(session) else {}
        for task in candidates:
            if task.response_count + counts.get(task.id, 0) < task.target_responses:
                taken.append(task)
            else:
                passed.add(task.id)
        if len(taken) >= n:
            break
    return taken


_LEASE_COUNTS = (
    select(TaskLease.task_id, func.count())
    .where(
        TaskLease.task_id.in_(bindparam("task_ids", expanding=True)),
        TaskLease.answered.is_(False),
        TaskLease.expires_at > bindparam("now"),
    )
    .group_by(TaskLease.task_id)
)


def _lease_counts(session: Session, task_ids: list[str], now: datetime) -> dict[str, int]:
    """Unanswered, unexpired leases per task."""
    rows = session.execute(_LEASE_COUNTS, {"task_ids": task_ids, "now": now})
    return {task_id: int(count) for task_id, count in rows}


def _serve_examples(
    session: Session, labeler: Labeler, *, audience_id: str | None, limit: int, seed: int
) -> list[ServedExample]:
    """The next example of each audience the labeler is qualifying for (one at a time per audience: the rule
    decides after each answer)."""
    if audience_id is not None:
        qualification.join_by_invitation(session=session, audience_id=audience_id, labeler=labeler, seed=seed)
    elif not sessions.may_be_qualifying(session, labeler.id):
        return []
    pending: list[tuple[str, AudienceExample]] = []
    for member in session.scalars(
        select(AudienceMember).where(
            AudienceMember.labeler_id == labeler.id, AudienceMember.state == "Distilling"
        )
    ):
        done = set(
            session.scalars(
                select(ExampleAnswer.example_id).where(
                    ExampleAnswer.labeler_id == labeler.id, ExampleAnswer.audience_id == member.audience_id
                )
            )
        )
        example = next(
            (ex for ex in qualification.examples_of(session, member.audience_id) if ex.id not in done), None
        )
        if example is not None:
            pending.append((member.audience_id, example))
        if len(pending) >= limit:
            break
    if not pending:
        return []
    material = load_material(
        session,
        [],
        extra_assets=[
            a for _, ex in pending for a in (*asset_inputs(ex.asset), *asset_inputs(ex.context_asset))
        ],
    )
    return [
        _served_example(material, audience, ex, labeler_id=labeler.id, seed=seed) for audience, ex in pending
    ]


def _served_example(
    material: Material, audience_id: str, ex: AudienceExample, *, labeler_id: str, seed: int
) -> ServedExample:
    view = qualification.example_view(ex)
    order = order_shown(view, seed=seed, labeler_id=labeler_id)
    inputs = asset_inputs(ex.asset)
    shown = (
        [material.shown(inputs[i], i) for i in order]
        if ex.kind == "compare"
        else [material.shown(a, i) for i, a in enumerate(inputs)]
    )
    payload = ex.payload or {}
    return ServedExample(
        task_id=ex.id,
        lease_id=None,
        job_id=None,
        kind=ex.kind,
        is_example=True,
        audience_id=audience_id,
        instruction=str(payload.get("criteria") or payload.get("title") or payload.get("target") or ""),
        context=ex.context,
        assets=shown,
        options=[view.options[i] for i in order] if ex.kind == "classify" else list(view.options),
        words=[*view.words, NO_MISTAKES] if view.no_mistake else list(view.words),
        flags=dict(view.flags),
        media_context=media_context(material, {"asset": ex.context_asset}),
        expires_at=None,
    )
