"""Leasing: serving work to a labeler (qualification examples first, then job tasks) for a bounded time.

A task is leased under its row lock (``claim``): responses plus unexpired leases are counted there, so a task
is never served beyond its target and the overflow stays bounded by leases that expire (DESIGN §5/§6).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rapidata_nb.server.dispatch.context import (
    JobContext,
    asset_inputs,
    load_context,
    media_context,
    options_of,
    served_task,
    shown_asset,
    task_datapoints,
)
from rapidata_nb.server.dispatch.pools import labeler_score, resolve_audience
from rapidata_nb.server.errors import ConflictError
from rapidata_nb.server.labeling import qualification
from rapidata_nb.server.labeling.content import NO_MISTAKES
from rapidata_nb.server.labeling.filters import matches
from rapidata_nb.server.labeling.views import TaskView, shown_order
from rapidata_nb.server.store.db import skip_locked
from rapidata_nb.server.store.labeling import (
    AudienceMember,
    ExampleAnswer,
    JobTask,
    Labeler,
    TaskLease,
    new_id,
    utcnow,
)
from rapidata_nb.server.store.models import Job

__all__ = ["LEASE_SECONDS", "active_leases", "lease_task", "next_tasks"]

LEASE_SECONDS = 25.0
"""How long a served task stays answerable (the docs' 25 s of work per session)."""


def active_leases(task_id: Any, now: datetime) -> Any:
    """Count of unanswered, unexpired leases of ``task_id`` (a value, or the ``JobTask.id`` column)."""
    return (
        select(func.count())
        .select_from(TaskLease)
        .where(TaskLease.task_id == task_id, TaskLease.answered.is_(False), TaskLease.expires_at > now)
    )


def lease_task(
    *,
    session: Session,
    labeler: Labeler,
    task: JobTask,
    session_id: str | None = None,
    seconds: float = LEASE_SECONDS,
    seed: int = 7,
    ctx: JobContext | None = None,
) -> TaskLease:
    """Lease ``task`` to ``labeler`` (a re-lease of an unanswered lease extends it).

    Raises:
        ConflictError: The labeler already answered the task, or the task is closed.
    """
    now = utcnow()
    lease = session.scalars(
        select(TaskLease).where(TaskLease.task_id == task.id, TaskLease.labeler_id == labeler.id)
    ).first()
    if lease is not None and lease.answered:
        raise ConflictError(f"labeler {labeler.id} already answered task {task.id}")
    if task.done:
        raise ConflictError(f"task {task.id} is closed")
    if lease is None:
        _claim(session, task, now)
        ctx = ctx or load_context(session, session.get(Job, task.job_id))  # type: ignore[arg-type]
        dps = task_datapoints(session, task)
        n = 2 if task.kind in ("compare", "ranking") else len(options_of(ctx, dps[0] if dps else None))
        view = TaskView(kind=task.kind, key=task.content_key, flags=dict(ctx.flags))
        order = shown_order(seed=seed, labeler_id=labeler.id, view=view, n=n) if n else None
        lease = TaskLease(
            id=new_id("lse"),
            task_id=task.id,
            labeler_id=labeler.id,
            session_id=session_id,
            shown_order=order,
            created_at=now,
            expires_at=now + timedelta(seconds=seconds),
        )
        try:
            with session.begin_nested():  # a savepoint: the caller's transaction survives a conflict
                session.add(lease)
        except IntegrityError as exc:  # a concurrent lease of the same pair
            raise ConflictError(f"task {task.id} is already leased to labeler {labeler.id}") from exc
    else:
        lease.expires_at = now + timedelta(seconds=seconds)
        lease.session_id = session_id or lease.session_id
    return lease


def _claim(session: Session, task: JobTask, now: datetime) -> None:
    """Lock ``task`` for a new lease, or raise ``ConflictError`` with the lock released.

    DESIGN §5: the task row is the lock of "who gets this task" (replicas on one PostgreSQL skip a row another
    transaction holds); counting responses + active leases under it bounds the overflow. The check runs in a
    savepoint so that a refusal releases the row at once: a labeler walking past full tasks must not keep
    them locked (answers to them would wait) until its request ends.
    """
    with session.begin_nested():  # raising rolls the savepoint back, and that releases the row lock
        locked = session.execute(
            skip_locked(select(JobTask.response_count, JobTask.done).where(JobTask.id == task.id))
        ).first()
        if locked is None:
            raise ConflictError(f"task {task.id} is being served to someone else; take the next one")
        leased = session.scalar(active_leases(task.id, now)) or 0
        if locked.done or locked.response_count + leased >= task.target_responses:
            raise ConflictError(f"task {task.id} has all the responses it needs")


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
) -> list[dict[str, Any]]:
    """Serve up to ``limit`` items to a (human) labeler: qualification examples first, then job tasks.

    ``job_id`` narrows the job tasks to one job (an unlisted audience's job link, ``job.label()``).

    Examples come from audiences where the labeler is ``Distilling`` (joining ``audience_id`` if it is a
    recruiting custom audience). Tasks come from running jobs whose audience includes the labeler: fewest
    responses plus active leases first, never one the labeler answered, never one whose target is already
    covered by responses plus active leases.
    """
    served: list[dict[str, Any]] = []
    served += _serve_examples(session, labeler, audience_id=audience_id, limit=limit, seed=seed)
    if len(served) >= limit:
        return served[:limit]
    now = utcnow()
    jobs = list(
        session.scalars(
            select(Job).where(Job.state == "Running", Job.deleted.is_(False)).order_by(Job.created_at, Job.id)
        )
    )
    for job in jobs:
        if audience_id is not None and job.audience_id != audience_id:
            continue
        if job_id is not None and job.id != job_id:
            continue
        aud = resolve_audience(session, job.audience_id)
        if aud is None or labeler_score(session, aud, labeler) is None:
            continue
        if aud.kind == "unlisted" and audience_id != aud.id:
            continue  # unlisted: only people who came through its link (issue 8)
        answered = select(TaskLease.task_id).where(TaskLease.labeler_id == labeler.id)
        leased = active_leases(JobTask.id, now).scalar_subquery()
        candidates = session.scalars(  # open tasks with room: responses + active leases below target
            select(JobTask)
            .where(
                JobTask.job_id == job.id,
                JobTask.done.is_(False),
                JobTask.id.not_in(answered),
                JobTask.response_count + leased < JobTask.target_responses,
            )
            .order_by(JobTask.response_count + leased, JobTask.sort_index, JobTask.id)
            .limit(50)
        ).all()
        if not candidates:
            continue
        ctx = load_context(session, job)
        for task in candidates:
            try:
                lease = lease_task(
                    session=session,
                    labeler=labeler,
                    task=task,
                    session_id=session_id,
                    seconds=seconds,
                    seed=seed,
                    ctx=ctx,
                )
            except ConflictError:  # another replica/labeler got there first
                continue
            served.append(served_task(session, ctx, task, lease))
            if len(served) >= limit:
                return served
    return served


def _serve_examples(
    session: Session, labeler: Labeler, *, audience_id: str | None, limit: int, seed: int
) -> list[dict[str, Any]]:
    if audience_id is not None:
        aud = resolve_audience(session, audience_id)
        if (
            aud is not None
            and aud.kind == "custom"
            and matches(aud.filters, labeler)
            and qualification.examples_of(session, aud.id)
        ):
            exists = session.scalars(
                select(AudienceMember).where(
                    AudienceMember.audience_id == aud.id, AudienceMember.labeler_id == labeler.id
                )
            ).first()
            if exists is None:
                session.add(
                    AudienceMember(
                        audience_id=aud.id,
                        labeler_id=labeler.id,
                        state="Distilling",
                        user_score=labeler.global_score,
                        answered=0,
                        correct=0,
                    )
                )
                session.flush()
                if aud.recruiting_started_at is None:  # a person opened it: the simulated candidates join too
                    qualification.start_recruiting(session=session, audience=aud, seed=seed)
                qualification.refresh_status(session=session, audience=aud)
    served: list[dict[str, Any]] = []
    members = session.scalars(
        select(AudienceMember).where(
            AudienceMember.labeler_id == labeler.id, AudienceMember.state == "Distilling"
        )
    )
    for member in members:
        done = set(
            session.scalars(
                select(ExampleAnswer.example_id).where(
                    ExampleAnswer.labeler_id == labeler.id, ExampleAnswer.audience_id == member.audience_id
                )
            )
        )
        for ex in qualification.examples_of(session, member.audience_id):
            if ex.id in done:
                continue
            view = qualification.example_view(ex)
            n = 2 if ex.kind == "compare" else len(view.options)
            order = shown_order(seed=seed, labeler_id=labeler.id, view=view, n=n) if n else []
            assets = asset_inputs(ex.asset)
            shown = (
                [shown_asset(session, assets[i], i) for i in order]
                if ex.kind == "compare"
                else [shown_asset(session, a, i) for i, a in enumerate(assets)]
            )
            served.append(
                {
                    "taskId": ex.id,
                    "leaseId": None,
                    "jobId": None,
                    "kind": ex.kind,
                    "isExample": True,
                    "audienceId": member.audience_id,
                    "instruction": str(
                        (ex.payload or {}).get("criteria")
                        or (ex.payload or {}).get("title")
                        or (ex.payload or {}).get("target")
                        or ""
                    ),
                    "context": ex.context,
                    "assets": shown,
                    "options": [view.options[i] for i in order]
                    if ex.kind == "classify"
                    else list(view.options),
                    "words": [*view.words, NO_MISTAKES] if ex.kind == "select_words" else [],
                    "flags": dict(view.flags),
                    "mediaContext": media_context(session, {"asset": ex.context_asset}),
                    "expiresAt": None,
                }
            )
            if len(served) >= limit:
                return served
            break  # one example per audience at a time: the rule decides after each answer
    return served
