"""The life of a job's tasks: open them, top up online rankings, referee them, close them, complete the job.

``open_job`` turns a job's datapoints into tasks (every pair of a ranking group of up to
``FULL_PERMUTATION_MAX`` items; larger groups get matchups from the online pair maker as they are answered).
A task closes when its referee is done or its audience has nobody left to ask; the job completes when no task
is open, exactly once (the job row is locked first).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from rapidata_nb.server.dispatch.context import JobContext, JobSpec, load_context
from rapidata_nb.server.dispatch.pools import audience_blocker, resolve_audience
from rapidata_nb.server.errors import NotFoundError
from rapidata_nb.server.labeling import qualification
from rapidata_nb.server.labeling.content import content_key, stable_hash
from rapidata_nb.server.store import audiences as audience_store
from rapidata_nb.server.store import jobs as job_store
from rapidata_nb.server.store.db import lock_row, skip_locked
from rapidata_nb.server.store.labeling import JobTask, Response, new_id, utcnow
from rapidata_nb.server.store.models import Datapoint, Job

__all__ = [
    "FULL_PERMUTATION_MAX",
    "close_task",
    "datapoints_of",
    "groups_of",
    "is_online",
    "job_progress",
    "maybe_complete",
    "new_task",
    "open_job",
    "ranking_budget",
    "referee_done",
    "top_up_ranking",
    "votes_decide",
]

FULL_PERMUTATION_MAX = 10
"""Ranking groups up to this size get every pair; larger ones an online pair maker."""


def new_task(
    ctx: JobContext,
    *,
    key: str,
    sort_index: int,
    datapoint_id: str | None = None,
    group: str | None = None,
    item_a: str | None = None,
    item_b: str | None = None,
) -> JobTask:
    return JobTask(
        id=new_id("tsk"),
        job_id=ctx.job.id,
        datapoint_id=datapoint_id,
        group=group,
        item_a=item_a,
        item_b=item_b,
        kind=ctx.spec.kind,
        content_key=key,
        sort_index=sort_index,
        target_responses=ctx.spec.target,
        response_count=0,
        done=False,
        created_at=utcnow(),
    )


def datapoints_of(session: Session, ctx: JobContext) -> list[Datapoint]:
    return list(
        session.scalars(
            select(Datapoint)
            .where(Datapoint.dataset_id == ctx.spec.dataset_id)
            .order_by(Datapoint.sort_index, Datapoint.created_at, Datapoint.id)
        )
    )


_TASK_ROWS_PER_INSERT = 5000
"""Task rows per bulk ``INSERT`` of :func:`_insert_tasks` (bounds one statement's size)."""


def _insert_tasks(session: Session, ctx: JobContext) -> None:
    """One task per datapoint, in sort order, written with bulk ``INSERT``s of plain rows: a 10,000-row job
    made 10,000 ORM objects here, which cost more than the rest of ``POST /job`` (issue 14)."""
    rows = session.execute(
        select(Datapoint.id, Datapoint.content_key)
        .where(Datapoint.dataset_id == ctx.spec.dataset_id)
        .order_by(Datapoint.sort_index, Datapoint.created_at, Datapoint.id)
    ).all()
    now = utcnow()
    for start in range(0, len(rows), _TASK_ROWS_PER_INSERT):
        chunk = rows[start : start + _TASK_ROWS_PER_INSERT]
        session.execute(
            insert(JobTask.__table__),
            [
                {
                    "id": new_id("tsk"),
                    "job_id": ctx.job.id,
                    "datapoint_id": dp_id,
                    "group": None,
                    "item_a": None,
                    "item_b": None,
                    "kind": ctx.spec.kind,
                    "content_key": key,
                    "sort_index": start + i,
                    "target_responses": ctx.spec.target,
                    "response_count": 0,
                    "done": False,
                    "created_at": now,
                    "closed_at": None,
                }
                for i, (dp_id, key) in enumerate(chunk)
            ],
        )


def is_online(ctx: JobContext, n_items: int) -> bool:
    return ctx.spec.online_pairs or n_items > FULL_PERMUTATION_MAX


def groups_of(dps: Sequence[Datapoint]) -> dict[str, list[Datapoint]]:
    groups: dict[str, list[Datapoint]] = {}
    for dp in dps:
        groups.setdefault(str(dp.group or "0"), []).append(dp)
    return groups


def open_job(*, session: Session, job: Job, seed: int = 7) -> bool:
    """Create the job's tasks (idempotent), start recruiting if needed and mark the job ``Running``.

    Args:
        session: Open session (the caller commits).
        job: The new job.
        seed: ``settings.crowd_seed`` (random matchups of online ranking, recruiting order).

    Returns:
        Whether recruiting was started for the job's audience (``recruitingStarted`` of ``POST /job``).
    """
    ctx = load_context(session, job)
    recruiting = False
    audience = resolve_audience(session, job.audience_id)
    if audience is not None:
        base = audience_store.live_base(session=session, audience=audience)
        if base is not None and base.kind == "custom" and base.recruiting_started_at is None:
            recruiting = qualification.start_recruiting(session=session, audience=base, seed=seed)
    existing = session.scalar(select(func.count()).select_from(JobTask).where(JobTask.job_id == job.id)) or 0
    if existing:
        return recruiting
    dps: list[Datapoint] = []
    tasks: list[JobTask] = []
    if ctx.spec.kind != "ranking":
        _insert_tasks(session, ctx)  # one per datapoint, as plain rows
    else:
        dps = datapoints_of(session, ctx)
        for group, items in groups_of(dps).items():
            if is_online(ctx, len(items)):
                continue  # created incrementally by top_up_ranking
            for i, j in all_pairs(len(items)):
                a, b = items[i], items[j]
                tasks.append(
                    new_task(
                        ctx,
                        key=content_key([a.content_key, b.content_key]),
                        sort_index=len(tasks),
                        group=group,
                        item_a=a.id,
                        item_b=b.id,
                    )
                )
    session.add_all(tasks)
    if job.state in ("Submitted", "Pending"):
        job.state = "Running"
    # why the job cannot progress (an audience without examples...), shown with the job until it can
    job.failure_message = audience_blocker(session, job.audience_id)
    session.flush()
    if ctx.spec.kind == "ranking":
        for group, items in groups_of(dps).items():
            if is_online(ctx, len(items)):
                top_up_ranking(session, ctx, group, items, seed=seed)
    if job.state == "Running":
        maybe_complete(session, ctx, seed=seed)
    return recruiting


def all_pairs(n: int) -> list[tuple[int, int]]:
    from rapidata_nb.engine import matchmaking

    return [(int(i), int(j)) for i, j in matchmaking.all_pairs(n)]


def ranking_budget(ctx: JobContext, n_items: int) -> int:
    """Matchups an online ranking group spends: the definition's budget, else 3 per item."""
    return int(ctx.spec.pair_maker.get("totalComparisonBudget") or 0) or n_items * 3


def top_up_ranking(
    session: Session, ctx: JobContext, group: str, items: Sequence[Datapoint], *, seed: int
) -> int:
    """Online pair maker: when a group has no open matchups, spend the next slice of its budget."""
    from rapidata_nb.engine import matchmaking, ranking

    tasks = list(session.scalars(select(JobTask).where(JobTask.job_id == ctx.job.id, JobTask.group == group)))
    if any(not t.done for t in tasks):
        return 0
    remaining = ranking_budget(ctx, len(items)) - len(tasks)
    if remaining <= 0 or len(items) < 2:
        return 0
    index = {dp.id: i for i, dp in enumerate(items)}
    counts = np.zeros((len(items), len(items)), dtype=np.int64)  # games per pair: the exact information rule
    winners: list[int] = []
    losers: list[int] = []
    by_task = {t.id: t for t in tasks}
    for r in session.scalars(select(Response).where(Response.task_id.in_(list(by_task)))):
        t = by_task[r.task_id]
        a, b = index[t.item_a or ""], index[t.item_b or ""]
        if r.answer.get("winner") in (0, 1):
            w, lo = (a, b) if r.answer["winner"] == 0 else (b, a)
            winners.append(w)
            losers.append(lo)
    for t in tasks:
        counts[index[t.item_a or ""], index[t.item_b or ""]] += 1
    # Fit with the same prior the pair maker assumes, so uncertain items stay uncertain (issue 6 bench).
    scores = (
        ranking.bradley_terry(
            np.asarray(winners, dtype=np.int64), np.asarray(losers, dtype=np.int64), len(items), alpha=1.0
        )
        if winners
        else np.zeros(len(items))
    )
    n_pairs = min(remaining, max(1, len(items) // 2))
    raw_ratio = ctx.spec.pair_maker.get("randomMatchesRatio")
    ratio = 0.5 if raw_ratio is None else float(raw_ratio)
    pairs = matchmaking.next_pairs(
        scores,
        counts,
        n_pairs,
        ratio,
        random_state=stable_hash(seed, content_key([dp.content_key for dp in items]), len(tasks)) % (2**32),
    )
    for n, (i, j) in enumerate(pairs):
        left, right = items[int(i)], items[int(j)]
        session.add(
            new_task(
                ctx,
                key=content_key([left.content_key, right.content_key]),
                sort_index=len(tasks) + n,
                group=group,
                item_a=left.id,
                item_b=right.id,
            )
        )
    session.flush()
    return len(pairs)


def _choice_index(kind: str, answer: Mapping[str, Any], options: Sequence[str]) -> int | None:
    if kind in ("compare", "ranking"):
        return answer["winner"] if answer.get("winner") in (0, 1) else None
    if kind == "classify":
        return list(options).index(answer["category"])
    return None


def votes_decide(
    spec: JobSpec, kind: str, answers: Sequence[tuple[Mapping[str, Any], float]], options: Sequence[str]
) -> bool:
    """Whether an early-stopping referee closes a task on its ``(answer, user score)`` so far, in order."""
    if not spec.stops_early:
        return False
    votes = [(c, s) for a, s in answers if (c := _choice_index(kind, a, options)) is not None]
    if not votes:
        return False
    k = 2 if kind in ("compare", "ranking") else max(len(options), 1)
    return bool(
        spec.make_referee().is_done(
            np.array([c for c, _ in votes], dtype=np.int64),
            np.array([s for _, s in votes], dtype=np.float64),
            k,
        )
    )


def referee_done(session: Session, ctx: JobContext, task: JobTask, options: Sequence[str]) -> bool:
    """Whether the task has its responses: all of its target, or enough for the referee to stop early."""
    if task.response_count >= task.target_responses:
        return True
    if not ctx.spec.stops_early:
        return False
    answers = session.execute(
        select(Response.answer, Response.user_score).where(Response.task_id == task.id).order_by(Response.seq)
    ).all()
    return votes_decide(ctx.spec, task.kind, [(a, float(s)) for a, s in answers], options)


def maybe_complete(session: Session, ctx: JobContext, *, seed: int) -> bool:
    """Complete the job once no task is open (after topping up online rankings).

    Of two transactions closing a job's last tasks, the second must count after the first committed, so
    that the job completes exactly once, never zero times (DESIGN §5): the job row is locked, then the open
    tasks are probed. Before that, an open task that no other transaction holds is looked for and locked
    (``SKIP LOCKED``): while this transaction holds it, nobody can close it, so it is still open when this
    commits, and whoever closes it later runs this check after this commit. Only the closings that find no
    such task (near a job's end, or when every open task is being worked on) queue on the job's row.
    """
    if session.scalar(_UNHELD_OPEN_TASK, {"job_id": ctx.job.id}) is not None:
        return False
    lock_row(session, Job, ctx.job.id)
    still_open = select(JobTask.id).where(JobTask.job_id == ctx.job.id, JobTask.done.is_(False)).limit(1)
    if session.scalar(still_open) is not None:  # an index probe, not a count of every open task
        return False
    if ctx.spec.kind == "ranking":
        added = 0
        for group, items in groups_of(datapoints_of(session, ctx)).items():
            if is_online(ctx, len(items)):
                added += top_up_ranking(session, ctx, group, items, seed=seed)
        if added:
            return False
    job = ctx.job
    if job.state in ("Running", "Paused", "Submitted"):
        job.state = "Completed"
        job.completed_at = utcnow()
        for queued in session.scalars(
            select(Job).where(Job.preceding_job_id == job.id, Job.state == "Queued", Job.deleted.is_(False))
        ):
            queued.state = "Running"  # run_after: the next job starts when this one completes
            maybe_complete(session, load_context(session, queued), seed=seed)
    return True


_UNHELD_OPEN_TASK = skip_locked(
    select(JobTask.id).where(JobTask.job_id == bindparam("job_id"), JobTask.done.is_(False)).limit(1)
)
"""An open task of ``job_id`` that no other transaction holds, locked till commit (:func:`maybe_complete`)."""


def close_task(*, session: Session, task: JobTask, seed: int = 7) -> None:
    """Close a task that can get no more responses (e.g. its audience's pool is exhausted)."""
    if task.done:
        return
    task.done = True
    task.closed_at = utcnow()
    session.flush()
    job = session.get(Job, task.job_id)
    if job is not None:
        maybe_complete(session, load_context(session, job), seed=seed)


def job_progress(*, session: Session, job: Job) -> job_store.JobCounts:
    """The job's counts as every view reports them: a completed job is at 100 %, and an online ranking's
    total includes the matchups its pair maker has not created yet (so the bar does not jump back)."""
    counts = job_store.job_counts(session=session, job_id=job.id)
    total = max(counts.total, _planned_tasks(session=session, job=job))
    progress = float(total) if job.state == "Completed" else counts.progress
    return replace(counts, total=total, progress=progress)


def _planned_tasks(*, session: Session, job: Job) -> int:
    """How many tasks a ranking job has once its online pair maker has spent its budget (0 otherwise)."""
    try:
        ctx = load_context(session, job)
    except NotFoundError:
        return 0
    if ctx.spec.kind != "ranking":
        return 0
    total = 0
    for _, items in groups_of(datapoints_of(session, ctx)).items():
        if is_online(ctx, len(items)):
            total += ranking_budget(ctx, len(items))
        else:
            total += len(items) * (len(items) - 1) // 2
    return total
