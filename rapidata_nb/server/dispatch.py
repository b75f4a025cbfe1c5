"""Who labels what next: the one code path for humans (``/labeler`` feed) and the simulated crowd.

Flow (DESIGN §6): :func:`open_job` turns a job's datapoints into tasks; :func:`next_tasks` (humans) or
:func:`lease_task` (crowd) leases a task to a labeler for 25 s; :func:`submit` validates the answer, stores
the response with the labeler's user score in the job's audience, runs the referee and, when every task is
closed, completes the job. Safety under concurrency comes from the unique constraints on ``(task, labeler)``
of leases and responses and from counting active leases when serving, never from in-memory locks; responses
may exceed a task's target only by the leases that were already out (bounded overflow).

Canonical answers (stored in ``Response.answer``, always in datapoint order, coordinates as ratios 0..1):

============  ==========================================================================================
compare       ``{"winner": 0 | 1 | "Both" | "Neither"}`` (Both/Neither only with ``compare_unsure``)
ranking       ``{"winner": 0 | 1}`` — 0 is ``item_a``, 1 is ``item_b`` of the matchup
classify      ``{"category": "<option label>"}``
locate        ``{"points": [{"x": .., "y": ..}, ...]}``
draw          ``{"lines": [[{"x": .., "y": ..}, ...], ...]}``
select_words  ``{"wordIndices": [i, ...]}`` — index ``len(words)`` is the ``[No_mistakes]`` token
free_text     ``{"text": "..."}``
============  ==========================================================================================
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rapidata_nb.engine import referee as referees
from rapidata_nb.server import scheduler
from rapidata_nb.server.crowd.behaviour import TaskView, shown_order
from rapidata_nb.server.crowd.filters import matches
from rapidata_nb.server.crowd.population import stable_hash
from rapidata_nb.server.crowd.truth import NO_MISTAKES, content_key
from rapidata_nb.server.errors import ApiError, BadRequestError, ConflictError, NotFoundError
from rapidata_nb.server.store import audiences as audience_store
from rapidata_nb.server.store import jobs as job_store
from rapidata_nb.server.store.db import lock_row, skip_locked
from rapidata_nb.server.store.labeling import (
    Audience,
    AudienceExample,
    AudienceMember,
    ExampleAnswer,
    JobTask,
    Labeler,
    Response,
    TaskLease,
    new_id,
    utcnow,
)
from rapidata_nb.server.store.models import Asset, Datapoint, DatasetGroup, DefinitionRevision, Job

__all__ = [
    "LEASE_SECONDS",
    "as_utc",
    "GoneError",
    "JobContext",
    "audience_blocker",
    "audience_pool",
    "job_progress",
    "labeler_score",
    "lease_task",
    "load_context",
    "next_tasks",
    "open_job",
    "submit",
    "submit_example",
    "task_view",
    "validate_answer",
]

LEASE_SECONDS = 25.0
"""How long a served task stays answerable (the docs' 25 s of work per session)."""
FULL_PERMUTATION_MAX = 10
_KINDS = {
    "Compare": "compare",
    "Classify": "classify",
    "Locate": "locate",
    "Line": "draw",
    "Transcription": "select_words",
    "FreeText": "free_text",
}


class GoneError(ApiError):
    """410: the lease expired before the answer arrived (a late answer)."""

    status_code = 410


def as_utc(dt: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; every stored time is UTC."""
    return dt.replace(tzinfo=UTC) if dt is not None and dt.tzinfo is None else dt


# --- job context --------------------------------------------------------------------------------------------


@dataclass
class JobContext:
    """Everything about a job that serving and judging need, read once."""

    job: Job
    revision: DefinitionRevision
    kind: str
    instruction: str
    flags: dict[str, str]
    referee: dict[str, Any]
    target: int
    pair_maker: dict[str, Any] = field(default_factory=dict)

    def make_referee(self) -> Any:
        """The engine referee for this job."""
        t = self.referee.get("_t")
        if t == "QuorumReferee":
            return referees.QuorumReferee(
                threshold=int(self.referee["threshold"]),
                max_votes=max(int(self.referee["maxVotes"]), int(self.referee["threshold"])),
            )
        if t == "EarlyStoppingReferee":
            return referees.EarlyStoppingReferee(
                threshold=min(float(self.referee["threshold"]), 1 - 1e-9),
                max_votes=int(self.referee["maxVotes"]),
            )
        return referees.NaiveReferee(total_votes=self.target)


def _literal(binding: Any) -> str:
    if isinstance(binding, Mapping):
        return str(binding.get("literal") or "")
    return str(binding or "")


def load_context(session: Session, job: Job) -> JobContext:
    """Read the job's revision: task kind, instruction, feature flags and referee."""
    definition_revision = session.scalars(
        select(DefinitionRevision).where(
            DefinitionRevision.definition_id == job.definition_id,
            DefinitionRevision.revision_number == job.revision_number,
        )
    ).first()
    if definition_revision is None:
        raise NotFoundError(
            f"job {job.id}: revision {job.revision_number} of definition {job.definition_id} does not exist"
        )
    workflow = definition_revision.workflow or {}
    flags = {str(f["key"]): str(f["value"]) for f in (definition_revision.rapid_feature_flags or [])}
    flags.update({str(f["key"]): str(f["value"]) for f in (workflow.get("featureFlags") or [])})
    referee = definition_revision.referee or {"_t": "NaiveReferee", "totalVotes": 10}
    target = int(referee.get("totalVotes") or referee.get("maxVotes") or 10)
    if workflow.get("_t") == "GroupedRankingWorkflow":
        return JobContext(
            job=job,
            revision=definition_revision,
            kind="ranking",
            instruction=_literal(workflow.get("criteria")),
            flags=flags,
            referee=referee,
            target=target,
            pair_maker=workflow.get("pairMakerConfig") or {},
        )
    rapid = workflow.get("rapid") or {}
    kind = _KINDS.get(str(rapid.get("_t")), "classify")
    binding = rapid.get("criteria") or rapid.get("title") or rapid.get("target") or rapid.get("question")
    return JobContext(
        job=job,
        revision=definition_revision,
        kind=kind,
        instruction=_literal(binding),
        flags=flags,
        referee=referee,
        target=target,
    )


# --- datapoints and what a task shows -----------------------------------------------------------------------


def _segment(dp: Datapoint, key: str) -> dict[str, Any] | None:
    return next((s for s in dp.segments or [] if s.get("key") == key), None)


def _asset_inputs(asset: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    if not asset:
        return []
    if asset.get("_t") == "MultiAssetInput":
        return [a for inner in asset.get("assets", []) for a in _asset_inputs(inner)]
    return [dict(asset)]


def _identity(session: Session, asset: Mapping[str, Any]) -> str:
    """An asset's stable identity (``url:..``, ``sha256:..``, ``text:..``, as ``store.datasets`` keys it)."""
    if asset.get("_t") == "TextAssetInput":
        return f"text:{asset.get('text', '')}"
    name = str(asset.get("name", ""))
    row = session.get(Asset, name)
    if row is None:
        return f"name:{name}"
    return f"url:{row.url}" if row.kind == "url" else f"sha256:{row.sha256}"


def _shown_asset(session: Session, asset: Mapping[str, Any], index: int) -> dict[str, Any]:
    if asset.get("_t") == "TextAssetInput":
        return {"index": index, "text": asset.get("text", "")}
    name = str(asset.get("name", ""))
    row = session.get(Asset, name)
    return {
        "index": index,
        "fileName": name,
        "url": f"/assets/{name}",
        "sourceUrl": row.url if row is not None else None,
        "contentType": row.content_type if row is not None else None,
    }


def _options(ctx: JobContext, dp: Datapoint | None) -> list[str]:
    seg = _segment(dp, "answer_options") if dp is not None else None
    if seg and seg.get("options"):
        return [str(o.get("label", o.get("value"))) for o in seg["options"]]
    rapid = (ctx.revision.workflow or {}).get("rapid") or {}
    literal = (rapid.get("categories") or {}).get("literal") or []
    return [str(o.get("label", o.get("value"))) for o in literal]


def _words(dp: Datapoint | None) -> list[str]:
    seg = _segment(dp, "transcription") if dp is not None else None
    return str(seg.get("text") or "").split(" ") if seg else []


def _task_datapoints(session: Session, task: JobTask) -> list[Datapoint]:
    ids = [task.item_a, task.item_b] if task.kind == "ranking" else [task.datapoint_id]
    return [dp for dp in (session.get(Datapoint, i) for i in ids if i) if dp is not None]


def task_view(session: Session, ctx: JobContext, task: JobTask) -> TaskView:
    """The task as the crowd's behaviour model sees it."""
    dps = _task_datapoints(session, task)
    if task.kind == "ranking":
        identities = tuple(
            _identity(session, a)
            for dp in dps
            for a in _asset_inputs((_segment(dp, "asset") or {}).get("asset"))[:1]
        )
    else:
        dp = dps[0] if dps else None
        identities = tuple(
            _identity(session, a)
            for a in _asset_inputs((_segment(dp, "asset") or {}).get("asset") if dp else None)
        )
    dp0 = dps[0] if dps else None
    return TaskView(
        kind=task.kind,
        key=task.content_key,
        identities=identities,
        options=tuple(_options(ctx, dp0)),
        words=tuple(_words(dp0)),
        flags=dict(ctx.flags),
    )


def _served(session: Session, ctx: JobContext, task: JobTask, lease: TaskLease) -> dict[str, Any]:
    """The JSON a human labeler's client renders (sides/options in shown order)."""
    dps = _task_datapoints(session, task)
    if task.kind == "ranking":
        assets = [_asset_inputs((_segment(dp, "asset") or {}).get("asset"))[0] for dp in dps]
    else:
        assets = _asset_inputs((_segment(dps[0], "asset") or {}).get("asset")) if dps else []
    order = lease.shown_order or list(range(len(assets)))
    dp0 = dps[0] if dps else None
    context = (_segment(dp0, "context") or {}).get("text") if dp0 is not None else None
    if task.kind == "ranking" and task.group is not None:
        grp = session.scalars(
            select(DatasetGroup).where(
                DatasetGroup.dataset_id == ctx.revision.dataset_id, DatasetGroup.group == task.group
            )
        ).first()
        context = next(
            (s.get("text") for s in (grp.segments if grp else []) if s.get("key") == "context"), None
        )
    options = _options(ctx, dp0)
    words = _words(dp0)
    shown_assets = (
        [_shown_asset(session, assets[i], i) for i in order]
        if task.kind in ("compare", "ranking")
        else [_shown_asset(session, a, i) for i, a in enumerate(assets)]
    )
    if task.kind == "classify" and lease.shown_order and len(lease.shown_order) == len(options):
        options = [options[i] for i in lease.shown_order]
    return {
        "taskId": task.id,
        "leaseId": lease.id,
        "jobId": task.job_id,
        "kind": task.kind,
        "isExample": False,
        "instruction": ctx.instruction,
        "context": context,
        "assets": shown_assets,
        "options": options,
        "words": [*words, NO_MISTAKES] if task.kind == "select_words" else [],
        "flags": dict(ctx.flags),
        "mediaContext": _media_context(session, (_segment(dp0, "context_asset") or {}) if dp0 else None),
        "expiresAt": as_utc(lease.expires_at).isoformat(),  # type: ignore[union-attr]
    }


def _media_context(session: Session, segment: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Reference media shown with the instruction (``media_contexts``), as served assets."""
    inputs = _asset_inputs((segment or {}).get("asset"))
    return [_shown_asset(session, a, i) for i, a in enumerate(inputs)]


# --- audiences: who may answer ------------------------------------------------------------------------------


def _resolve_audience(session: Session, audience_id: str) -> Audience | None:
    return audience_store.live(session=session, audience_id=audience_id)


def audience_pool(session: Session, audience: Audience, *, kind: str | None = None) -> dict[str, float]:
    """Labelers who may answer the audience's jobs, with their user score in it.

    Global: everyone (global score). Curated/custom: graduated members (member score) passing the audience's
    filters. Filtered: the base audience's pool passing the view's filters. Unlisted: humans only.
    """
    if audience.kind == "filtered":
        base = audience_store.live_base(session=session, audience=audience)
        if base is None:
            return {}
        pool = audience_pool(session, base, kind=kind)
        labs = session.scalars(select(Labeler).where(Labeler.id.in_(list(pool))))
        return {lab.id: pool[lab.id] for lab in labs if matches(audience.filters, lab)}
    query = select(Labeler)
    if kind is not None:
        query = query.where(Labeler.kind == kind)
    if audience.kind in ("global", "unlisted"):
        if audience.kind == "unlisted":
            query = query.where(Labeler.kind == "human")
        return {
            lab.id: float(lab.global_score)
            for lab in session.scalars(query)
            if matches(audience.filters, lab)
        }
    rows = session.execute(
        query.add_columns(AudienceMember.user_score)
        .join(AudienceMember, AudienceMember.labeler_id == Labeler.id)
        .where(AudienceMember.audience_id == audience.id, AudienceMember.state == "Graduated")
    )
    return {lab.id: float(score) for lab, score in rows if matches(audience.filters, lab)}


def labeler_score(session: Session, audience: Audience, labeler: Labeler) -> float | None:
    """The labeler's user score in ``audience``, or ``None`` if they may not answer its jobs."""
    if audience.kind == "filtered":
        base = audience_store.live_base(session=session, audience=audience)
        if base is None or not matches(audience.filters, labeler):
            return None
        return labeler_score(session, base, labeler)
    if not matches(audience.filters, labeler):
        return None
    if audience.kind == "global" or (audience.kind == "unlisted" and labeler.kind == "human"):
        return float(labeler.global_score)
    member = session.scalars(
        select(AudienceMember).where(
            AudienceMember.audience_id == audience.id, AudienceMember.labeler_id == labeler.id
        )
    ).first()
    return float(member.user_score) if member is not None and member.state == "Graduated" else None


def audience_blocker(session: Session, audience_id: str) -> str | None:
    """Why a job on this audience cannot progress, or ``None`` (shown as the job's failure/review info)."""
    aud = _resolve_audience(session, audience_id)
    if aud is None:
        return f"audience {audience_id} does not exist or was deleted"
    if aud.kind == "filtered" and aud.base_audience_id:
        blocker = audience_blocker(session, aud.base_audience_id)
        if blocker is not None:
            return blocker
    base = audience_store.live_base(session=session, audience=aud)
    settled = base is not None and (base.kind != "custom" or base.recruiting_done)
    if aud.kind in ("global", "filtered") and settled and not audience_pool(session, aud):
        return f"no labeler of audience '{aud.name}' ({aud.id}) matches its filters {aud.filters}"
    if aud.kind != "custom":
        return None
    if not scheduler.examples_of(session, aud.id):
        return (
            f"audience '{aud.name}' ({aud.id}) has no qualification examples, so nobody can graduate: add "
            "examples (add_*_example) and start recruiting, or use the global audience"
        )
    m = scheduler.user_metrics(session, aud)
    if aud.recruiting_started_at is None:
        return f"audience '{aud.name}' ({aud.id}) has not started recruiting (call start_recruiting())"
    if aud.recruiting_done and scheduler.qualified(m) == 0 and m["Distilling"] == 0:
        return (
            f"audience '{aud.name}' ({aud.id}): every candidate failed the qualification examples "
            f"({m['Dropped']} dropped); check the examples' truths"
        )
    return None


# --- tasks --------------------------------------------------------------------------------------------------


def _new_task(
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
        kind=ctx.kind,
        content_key=key,
        sort_index=sort_index,
        target_responses=ctx.target,
        response_count=0,
        done=False,
        created_at=utcnow(),
    )


def _datapoints(session: Session, ctx: JobContext) -> list[Datapoint]:
    return list(
        session.scalars(
            select(Datapoint)
            .where(Datapoint.dataset_id == ctx.revision.dataset_id)
            .order_by(Datapoint.sort_index, Datapoint.created_at, Datapoint.id)
        )
    )


def _online(ctx: JobContext, n_items: int) -> bool:
    return ctx.pair_maker.get("_t") == "OnlinePairMaker" or n_items > FULL_PERMUTATION_MAX


def _groups(dps: Sequence[Datapoint]) -> dict[str, list[Datapoint]]:
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
    audience = _resolve_audience(session, job.audience_id)
    if audience is not None:
        base = audience_store.live_base(session=session, audience=audience)
        if base is not None and base.kind == "custom" and base.recruiting_started_at is None:
            recruiting = scheduler.start_recruiting(session=session, audience=base, seed=seed)
    existing = session.scalar(select(func.count()).select_from(JobTask).where(JobTask.job_id == job.id)) or 0
    if existing:
        return recruiting
    dps = _datapoints(session, ctx)
    tasks: list[JobTask] = []
    if ctx.kind == "ranking":
        for group, items in _groups(dps).items():
            if _online(ctx, len(items)):
                continue  # created incrementally by _top_up_ranking
            for i, j in _all_pairs(len(items)):
                a, b = items[i], items[j]
                tasks.append(
                    _new_task(
                        ctx,
                        key=content_key([a.content_key, b.content_key]),
                        sort_index=len(tasks),
                        group=group,
                        item_a=a.id,
                        item_b=b.id,
                    )
                )
    else:
        tasks = [
            _new_task(ctx, key=dp.content_key, sort_index=i, datapoint_id=dp.id) for i, dp in enumerate(dps)
        ]
    session.add_all(tasks)
    if job.state in ("Submitted", "Pending"):
        job.state = "Running"
    # why the job cannot progress (an audience without examples...), shown with the job until it can
    job.failure_message = audience_blocker(session, job.audience_id)
    session.flush()
    if ctx.kind == "ranking":
        for group, items in _groups(dps).items():
            if _online(ctx, len(items)):
                _top_up_ranking(session, ctx, group, items, seed=seed)
    if job.state == "Running":
        _maybe_complete(session, ctx, seed=seed)
    return recruiting


def _all_pairs(n: int) -> list[tuple[int, int]]:
    from rapidata_nb.engine import matchmaking

    return [(int(i), int(j)) for i, j in matchmaking.all_pairs(n)]


def _ranking_budget(ctx: JobContext, n_items: int) -> int:
    """Matchups an online ranking group spends: the definition's budget, else 3 per item."""
    return int(ctx.pair_maker.get("totalComparisonBudget") or 0) or n_items * 3


def _top_up_ranking(
    session: Session, ctx: JobContext, group: str, items: Sequence[Datapoint], *, seed: int
) -> int:
    """Online pair maker: when a group has no open matchups, spend the next slice of its budget."""
    from rapidata_nb.engine import matchmaking, ranking

    tasks = list(session.scalars(select(JobTask).where(JobTask.job_id == ctx.job.id, JobTask.group == group)))
    if any(not t.done for t in tasks):
        return 0
    remaining = _ranking_budget(ctx, len(items)) - len(tasks)
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
    raw_ratio = ctx.pair_maker.get("randomMatchesRatio")
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
            _new_task(
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


def _active_leases(task_id: Any, now: datetime) -> Any:
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
        dps = _task_datapoints(session, task)
        n = 2 if task.kind in ("compare", "ranking") else len(_options(ctx, dps[0] if dps else None))
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
        leased = session.scalar(_active_leases(task.id, now)) or 0
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
        aud = _resolve_audience(session, job.audience_id)
        if aud is None or labeler_score(session, aud, labeler) is None:
            continue
        if aud.kind == "unlisted" and audience_id != aud.id:
            continue  # unlisted: only people who came through its link (issue 8)
        answered = select(TaskLease.task_id).where(TaskLease.labeler_id == labeler.id)
        leased = _active_leases(JobTask.id, now).scalar_subquery()
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
            served.append(_served(session, ctx, task, lease))
            if len(served) >= limit:
                return served
    return served


def _serve_examples(
    session: Session, labeler: Labeler, *, audience_id: str | None, limit: int, seed: int
) -> list[dict[str, Any]]:
    if audience_id is not None:
        aud = _resolve_audience(session, audience_id)
        if (
            aud is not None
            and aud.kind == "custom"
            and matches(aud.filters, labeler)
            and scheduler.examples_of(session, aud.id)
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
                    scheduler.start_recruiting(session=session, audience=aud, seed=seed)
                scheduler.refresh_status(session=session, audience=aud)
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
        for ex in scheduler.examples_of(session, member.audience_id):
            if ex.id in done:
                continue
            view = scheduler.example_view(ex)
            n = 2 if ex.kind == "compare" else len(view.options)
            order = shown_order(seed=seed, labeler_id=labeler.id, view=view, n=n) if n else []
            assets = _asset_inputs(ex.asset)
            shown = (
                [_shown_asset(session, assets[i], i) for i in order]
                if ex.kind == "compare"
                else [_shown_asset(session, a, i) for i, a in enumerate(assets)]
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
                    "mediaContext": _media_context(session, {"asset": ex.context_asset}),
                    "expiresAt": None,
                }
            )
            if len(served) >= limit:
                return served
            break  # one example per audience at a time: the rule decides after each answer
    return served


# --- answers ------------------------------------------------------------------------------------------------


def _point(p: Any, where: str) -> dict[str, float]:
    if not isinstance(p, Mapping) or not {"x", "y"} <= set(p):
        raise BadRequestError(f"{where} must be an object with x and y")
    try:
        x, y = float(p["x"]), float(p["y"])
    except (TypeError, ValueError) as exc:
        raise BadRequestError(f"{where}: x and y must be numbers") from exc
    if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0) or math.isnan(x) or math.isnan(y):
        raise BadRequestError(f"{where} must lie inside the image (x and y in 0..1), got ({x}, {y})")
    return {"x": x, "y": y}


def _int_flag(flags: Mapping[str, str], name: str, default: int) -> int:
    try:
        return int(flags.get(name, default))
    except ValueError:
        return default


def validate_answer(
    kind: str,
    answer: Any,
    *,
    options: Sequence[str] = (),
    n_words: int = 0,
    flags: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Check an answer against the task type and return it in canonical shape.

    Raises:
        BadRequestError: Naming the field to fix (``answer.category``, ``answer.points[2]``, ...).
    """
    flags = flags or {}
    if not isinstance(answer, Mapping):
        raise BadRequestError("answer must be an object")
    if kind in ("compare", "ranking"):
        w = answer.get("winner")
        if w in (0, 1) and not isinstance(w, bool):
            return {"winner": int(w)}
        if kind == "compare" and w in ("Both", "Neither") and "compare_unsure" in flags:
            return {"winner": w}
        allowed = "0, 1, 'Both' or 'Neither'" if kind == "compare" and "compare_unsure" in flags else "0 or 1"
        raise BadRequestError(
            f"answer.winner must be {allowed} (the datapoint index of the chosen side), got {w!r}"
        )
    if kind == "classify":
        c = answer.get("category")
        if c not in options:
            raise BadRequestError(f"answer.category must be one of {list(options)}, got {c!r}")
        return {"category": c}
    if kind == "locate":
        pts = answer.get("points")
        if not isinstance(pts, list):
            raise BadRequestError("answer.points must be a list of {x, y}")
        lo, hi = _int_flag(flags, "locate_min_points", 1), _int_flag(flags, "locate_max_points", 10)
        if not lo <= len(pts) <= hi:
            raise BadRequestError(f"answer.points must hold between {lo} and {hi} points, got {len(pts)}")
        return {"points": [_point(p, f"answer.points[{i}]") for i, p in enumerate(pts)]}
    if kind == "draw":
        lines = answer.get("lines")
        if not isinstance(lines, list) or not lines:
            raise BadRequestError("answer.lines must be a non-empty list of lines (lists of {x, y})")
        out = []
        for i, line in enumerate(lines):
            if not isinstance(line, list) or len(line) < 2:
                raise BadRequestError(f"answer.lines[{i}] must hold at least 2 points")
            out.append([_point(p, f"answer.lines[{i}][{j}]") for j, p in enumerate(line)])
        return {"lines": out}
    if kind == "select_words":
        idx = answer.get("wordIndices")
        if (
            not isinstance(idx, list)
            or not idx
            or not all(isinstance(i, int) and not isinstance(i, bool) for i in idx)
        ):
            raise BadRequestError(
                "answer.wordIndices must be a non-empty list of word indices "
                f"(index {n_words} is the {NO_MISTAKES} token)"
            )
        bad = [i for i in idx if not 0 <= i <= n_words]
        if bad:
            raise BadRequestError(f"answer.wordIndices {bad} out of range 0..{n_words}")
        if len(set(idx)) != len(idx):
            raise BadRequestError("answer.wordIndices must not repeat an index")
        if n_words in idx and len(idx) > 1:
            raise BadRequestError(f"answer.wordIndices: {NO_MISTAKES} cannot be combined with other words")
        return {"wordIndices": sorted(idx)}
    if kind == "free_text":
        text = answer.get("text")
        if not isinstance(text, str):
            raise BadRequestError("answer.text must be a string")
        lo = max(1, _int_flag(flags, "free_text_minimum_characters", 1))
        hi = _int_flag(flags, "free_text_max_characters", 1024)
        if not lo <= len(text.strip()) <= hi:
            raise BadRequestError(
                f"answer.text must have between {lo} and {hi} characters, got {len(text.strip())}"
            )
        return {"text": text.strip()}
    raise BadRequestError(f"unknown task kind {kind!r}")


def _choice_index(
    ctx: JobContext, task: JobTask, answer: Mapping[str, Any], options: Sequence[str]
) -> int | None:
    if task.kind in ("compare", "ranking"):
        return answer["winner"] if answer.get("winner") in (0, 1) else None
    if task.kind == "classify":
        return list(options).index(answer["category"])
    return None


def submit(
    *,
    session: Session,
    labeler: Labeler,
    task: JobTask,
    answer: Any,
    session_id: str | None = None,
    seed: int = 7,
    ctx: JobContext | None = None,
) -> Response:
    """Store one answer to a leased task, run the referee and complete the job when every task is closed.

    Raises:
        ConflictError: Not served to this labeler, already answered, or the job stopped.
        GoneError: The lease expired (late answer).
        BadRequestError: The answer does not fit the task.
    """
    lease = session.scalars(
        select(TaskLease).where(TaskLease.task_id == task.id, TaskLease.labeler_id == labeler.id)
    ).first()
    if lease is None:
        raise ConflictError(f"task {task.id} was not served to labeler {labeler.id}; fetch tasks first")
    if lease.answered:
        raise ConflictError(f"labeler {labeler.id} already answered task {task.id}")
    if session_id is not None and lease.session_id is not None and lease.session_id != session_id:
        raise ConflictError(f"task {task.id} was not served to session {session_id}; fetch tasks first")
    now = utcnow()
    expires = as_utc(lease.expires_at)
    if expires is not None and now > expires:
        raise GoneError(f"late answer: the lease of task {task.id} expired at {expires.isoformat()}")
    job = session.get(Job, task.job_id)
    if job is None or job.deleted or job.state not in job_store.COLLECTING_STATES:
        raise ConflictError(f"job {task.job_id} is no longer collecting responses")
    ctx = ctx or load_context(session, job)
    dps = _task_datapoints(session, task)
    options = _options(ctx, dps[0] if dps else None)
    canonical = validate_answer(
        task.kind, answer, options=options, n_words=len(_words(dps[0] if dps else None)), flags=ctx.flags
    )
    aud = _resolve_audience(session, job.audience_id)
    score = labeler_score(session, aud, labeler) if aud is not None else None
    session.execute(
        update(JobTask).where(JobTask.id == task.id).values(response_count=JobTask.response_count + 1)
    )
    session.refresh(task, ["response_count"])
    session.refresh(job, ["state", "deleted"])  # after the task lock: see store.jobs.set_state
    if job.deleted or job.state not in job_store.COLLECTING_STATES:
        raise ConflictError(f"job {task.job_id} stopped collecting responses")
    response = Response(
        id=new_id("rsp"),
        job_id=task.job_id,
        task_id=task.id,
        datapoint_id=task.datapoint_id,
        labeler_id=labeler.id,
        session_id=session_id or lease.session_id,
        answer=canonical,
        shown_order=lease.shown_order,
        user_score=float(score if score is not None else labeler.global_score),
        seq=task.response_count,
        created_at=now,
    )
    lease.answered = True
    session.add(response)
    try:
        session.flush()
    except IntegrityError as exc:
        raise ConflictError(f"labeler {labeler.id} already answered task {task.id}") from exc
    if not task.done and _referee_done(session, ctx, task, options):
        task.done = True
        task.closed_at = now
        session.flush()
        _maybe_complete(session, ctx, seed=seed)
    return response


def _referee_done(session: Session, ctx: JobContext, task: JobTask, options: Sequence[str]) -> bool:
    if task.response_count >= task.target_responses:
        return True
    rows = list(session.scalars(select(Response).where(Response.task_id == task.id).order_by(Response.seq)))
    choices = [(_choice_index(ctx, task, r.answer, options), r.user_score) for r in rows]
    votes = [(c, s) for c, s in choices if c is not None]
    k = 2 if task.kind in ("compare", "ranking") else max(len(options), 1)
    if (
        ctx.referee.get("_t") in ("QuorumReferee", "EarlyStoppingReferee")
        and task.kind in ("compare", "ranking", "classify")
        and votes
    ):
        ref = ctx.make_referee()
        return bool(
            ref.is_done(
                np.array([c for c, _ in votes], dtype=np.int64),
                np.array([s for _, s in votes], dtype=np.float64),
                k,
            )
        )
    return False


def _maybe_complete(session: Session, ctx: JobContext, *, seed: int) -> bool:
    """Complete the job once no task is open (after topping up online rankings).

    The job row is locked first, so of two transactions closing a job's last tasks the second counts after
    the first committed: the job completes exactly once, never zero times (DESIGN §5).
    """
    lock_row(session, Job, ctx.job.id)
    open_count = (
        session.scalar(
            select(func.count())
            .select_from(JobTask)
            .where(JobTask.job_id == ctx.job.id, JobTask.done.is_(False))
        )
        or 0
    )
    if open_count:
        return False
    if ctx.kind == "ranking":
        added = 0
        for group, items in _groups(_datapoints(session, ctx)).items():
            if _online(ctx, len(items)):
                added += _top_up_ranking(session, ctx, group, items, seed=seed)
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
            _maybe_complete(session, load_context(session, queued), seed=seed)
    return True


def close_task(*, session: Session, task: JobTask, seed: int = 7) -> None:
    """Close a task that can get no more responses (e.g. its audience's pool is exhausted)."""
    if task.done:
        return
    task.done = True
    task.closed_at = utcnow()
    session.flush()
    job = session.get(Job, task.job_id)
    if job is not None:
        _maybe_complete(session, load_context(session, job), seed=seed)


def submit_example(
    *, session: Session, labeler: Labeler, example: AudienceExample, answer: Any
) -> dict[str, Any]:
    """Grade a (human) qualification answer and apply the audience's graduation rule.

    Returns:
        ``{"correct": bool, "state": member state, "explanation": str | None}``.
    """
    member = session.scalars(
        select(AudienceMember).where(
            AudienceMember.audience_id == example.audience_id, AudienceMember.labeler_id == labeler.id
        )
    ).first()
    if member is None or member.state != "Distilling":
        raise ConflictError(f"labeler {labeler.id} is not qualifying for audience {example.audience_id}")
    if (
        session.scalars(
            select(ExampleAnswer).where(
                ExampleAnswer.example_id == example.id, ExampleAnswer.labeler_id == labeler.id
            )
        ).first()
        is not None
    ):
        raise ConflictError(f"labeler {labeler.id} already answered example {example.id}")
    view = scheduler.example_view(example)
    canonical = validate_answer(
        example.kind, answer, options=view.options, n_words=len(view.words), flags=view.flags
    )
    audience = session.get(Audience, example.audience_id)
    assert audience is not None
    ok = scheduler.record_example_answer(
        session=session,
        audience=audience,
        member=member,
        labeler=labeler,
        example=example,
        canonical_answer=canonical,
    )
    return {"correct": ok, "state": member.state, "explanation": example.explanation}


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
    if ctx.kind != "ranking":
        return 0
    total = 0
    for _, items in _groups(_datapoints(session, ctx)).items():
        if _online(ctx, len(items)):
            total += _ranking_budget(ctx, len(items))
        else:
            total += len(items) * (len(items) - 1) // 2
    return total
