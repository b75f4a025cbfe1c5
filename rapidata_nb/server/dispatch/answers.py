"""Answers: validate them per task kind, store them, and move the task and job on.

Canonical answers (stored in ``Response.answer``, always in datapoint order, coordinates as ratios 0..1):

============  ==========================================================================================
compare       ``{"winner": 0 | 1 | "Both" | "Neither"}`` (Both/Neither only with ``compare_unsure``)
ranking       ``{"winner": 0 | 1}`` — 0 is ``item_a``, 1 is ``item_b`` of the matchup
classify      ``{"category": "<option label>"}``
locate        ``{"points": [{"x": .., "y": ..}, ...]}``
draw          ``{"lines": [[{"x": .., "y": ..}, ...], ...]}``
select_words  ``{"wordIndices": [i, ...]}`` — index ``len(words)`` is ``[No_mistakes]``, where offered
free_text     ``{"text": "..."}``
============  ==========================================================================================
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import and_, bindparam, case, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from rapidata_nb.api.models.labeler import AnswerAccepted, ExampleGrade, TaskFeed
from rapidata_nb.server.dispatch.context import JobContext, as_utc, load_context, no_mistake_on, words_of
from rapidata_nb.server.dispatch.leasing import serve_session
from rapidata_nb.server.dispatch.lifecycle import maybe_complete, referee_done
from rapidata_nb.server.dispatch.pools import labeler_score, resolve_audience
from rapidata_nb.server.errors import ApiError, BadRequestError, ConflictError, NotFoundError
from rapidata_nb.server.labeling import qualification
from rapidata_nb.server.labeling.content import NO_MISTAKES
from rapidata_nb.server.store import jobs as job_store
from rapidata_nb.server.store.db import is_postgres
from rapidata_nb.server.store.labeling import (
    Audience,
    AudienceExample,
    AudienceMember,
    ExampleAnswer,
    JobTask,
    Labeler,
    LabelerSession,
    Response,
    TaskLease,
    new_id,
    utcnow,
)
from rapidata_nb.server.store.models import Datapoint, Job

__all__ = ["GoneError", "answer_in_session", "submit", "submit_example", "validate_answer"]


class GoneError(ApiError):
    """410: the lease expired before the answer arrived (a late answer)."""

    status_code = 410


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


def _word_indices(idx: Any, n_words: int, no_mistake: bool) -> list[int]:
    last = n_words if no_mistake else n_words - 1
    token = f" (index {n_words} is the {NO_MISTAKES} choice)" if no_mistake else ""
    ints = isinstance(idx, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in idx)
    if not ints or not idx:
        raise BadRequestError(f"answer.wordIndices must be a non-empty list of word indices{token}")
    if not no_mistake and n_words in idx:
        raise BadRequestError(
            f"answer.wordIndices: this task offers no {NO_MISTAKES} choice: "
            f"select the wrong words (0..{last})"
        )
    bad = [i for i in idx if not 0 <= i <= last]
    if bad:
        raise BadRequestError(f"answer.wordIndices {bad} out of range 0..{last}")
    if len(set(idx)) != len(idx):
        raise BadRequestError("answer.wordIndices must not repeat an index")
    if n_words in idx and len(idx) > 1:
        raise BadRequestError(f"answer.wordIndices: {NO_MISTAKES} cannot be combined with other words")
    return sorted(idx)


def validate_answer(
    kind: str,
    answer: Any,
    *,
    options: Sequence[str] = (),
    n_words: int = 0,
    no_mistake: bool = False,
    flags: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Check an answer against the task type and return it in canonical shape.

    ``no_mistake`` says whether a select-words task offers ``[No_mistakes]`` (index ``n_words``).

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
        return {"wordIndices": _word_indices(answer.get("wordIndices"), n_words, no_mistake)}
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
    return _store_answer(
        session=session,
        labeler=labeler,
        task=task,
        lease=lease,
        answer=answer,
        session_id=session_id,
        seed=seed,
        ctx=ctx,
    )


def _store_answer(
    *,
    session: Session,
    labeler: Labeler,
    task: JobTask,
    lease: TaskLease | None,
    answer: Any,
    session_id: str | None,
    seed: int,
    ctx: JobContext | None,
) -> Response:
    """:func:`submit` with the labeler's lease of the task (``None``: never served) already read."""
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
    first = session.get(Datapoint, task.item_a if task.kind == "ranking" else task.datapoint_id or "")
    options = ctx.spec.options(first)
    canonical = validate_answer(
        task.kind,
        answer,
        options=options,
        n_words=len(words_of(first)),
        no_mistake=no_mistake_on(first, ctx.spec.flags),
        flags=ctx.spec.flags,
    )
    aud = resolve_audience(session, job.audience_id)
    score = labeler_score(session, aud, labeler) if aud is not None else None
    count = session.execute(_COUNT_RESPONSE, {"counted_task": task.id}).scalar_one()
    set_committed_value(task, "response_count", count)
    if is_postgres(session):
        # after the task lock: see store.jobs.set_state (SQLite holds the write lock since the first read)
        state, deleted = session.execute(_JOB_STATE, {"state_of": job.id}).one()
        set_committed_value(job, "state", state)
        set_committed_value(job, "deleted", deleted)
    if job.deleted or job.state not in job_store.COLLECTING_STATES:
        raise ConflictError(f"job {task.job_id} stopped collecting responses")
    row = {
        "id": new_id("rsp"),
        "job_id": task.job_id,
        "task_id": task.id,
        "datapoint_id": task.datapoint_id,
        "labeler_id": labeler.id,
        "session_id": session_id or lease.session_id,
        "answer": canonical,
        "shown_order": lease.shown_order,
        "user_score": float(score if score is not None else labeler.global_score),
        "seq": task.response_count,
        "created_at": now,
    }
    try:  # Core statements, the same two the unit of work would flush (issue 14: a flush costs more)
        session.execute(_INSERT_RESPONSE, row)
    except IntegrityError as exc:
        raise ConflictError(f"labeler {labeler.id} already answered task {task.id}") from exc
    session.execute(_MARK_ANSWERED, {"answered_lease": lease.id})
    set_committed_value(lease, "answered", True)
    response = Response(**row)  # the stored row, for the caller (not added: it is in the database already)
    if not task.done and referee_done(session, ctx, task, options):
        task.done = True
        task.closed_at = now
        session.flush()
        maybe_complete(session, ctx, seed=seed)
    return response


def submit_example(
    *, session: Session, labeler: Labeler, example: AudienceExample, answer: Any
) -> dict[str, Any]:
    """Grade a (human) qualification answer and apply the audience's graduation rule.

    Returns:
        The fields of ``ExampleGrade`` the audience's feedback mode discloses.
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
    view = qualification.example_view(example)
    canonical = validate_answer(
        example.kind,
        answer,
        options=view.options,
        n_words=len(view.words),
        no_mistake=view.no_mistake,
        flags=view.flags,
    )
    audience = session.get(Audience, example.audience_id)
    assert audience is not None
    ok = qualification.record_example_answer(
        session=session,
        audience=audience,
        member=member,
        labeler=labeler,
        example=example,
        canonical_answer=canonical,
    )
    return qualification.example_feedback(
        audience=audience, member=member, correct=ok, explanation=example.explanation
    )


_TASK_WITH_LEASE = (
    select(JobTask, TaskLease, Job, Audience, Datapoint)
    .outerjoin(
        TaskLease, and_(TaskLease.task_id == JobTask.id, TaskLease.labeler_id == bindparam("labeler_id"))
    )
    .outerjoin(Job, Job.id == JobTask.job_id)
    .outerjoin(Audience, Audience.id == Job.audience_id)
    .outerjoin(
        Datapoint,
        Datapoint.id == case((JobTask.kind == "ranking", JobTask.item_a), else_=JobTask.datapoint_id),
    )
    .where(JobTask.id == bindparam("task_id"))
)
"""A task with one labeler's lease of it, its job, audience and (first) datapoint, in one statement; built
once, as every answer runs it (issue 14)."""
_COUNT_RESPONSE = (
    update(JobTask)
    .where(JobTask.id == bindparam("counted_task"))
    .values(response_count=JobTask.response_count + 1)
    .returning(JobTask.response_count)
    .execution_options(synchronize_session=False)
)
"""One more response on a task (under its row lock), returning the new count; built once."""
_JOB_STATE = select(Job.state, Job.deleted).where(Job.id == bindparam("state_of"))
"""The job's state re-read for the stop fence (what ``session.refresh`` reads, without its ORM load)."""
_INSERT_RESPONSE = insert(Response.__table__)
_MARK_ANSWERED = (
    update(TaskLease.__table__)
    .where(TaskLease.__table__.c.id == bindparam("answered_lease"))
    .values(answered=True)
)


def answer_in_session(
    *,
    session: Session,
    labeler_session: LabelerSession,
    task_id: str,
    answer: Any,
    seed: int = 7,
    next_items: int = 0,
    job_id: str | None = None,
) -> AnswerAccepted | ExampleGrade:
    """A person's answer to an item of their feed: a qualification example is graded, a task's answer stored.
    With ``next_items``, the reply also brings the next items of the feed (of ``job_id`` only, if given).

    A task's next items are served *before* its answer is stored: the answer's row locks (the task's
    counter, and the job's when it closes the last task) are then held only until the commit that follows,
    not while the next task is chosen, so the labelers answering the same task do not queue behind each
    other's serving. The answered task is never served again either way (its lease exists). An example's
    next items come after its grade, which decides what the labeler may see next.

    Raises:
        NotFoundError: No such task or example.
    """
    labeler = session.get(Labeler, labeler_session.labeler_id)
    if labeler is None:
        raise NotFoundError(f"labeler of session '{labeler_session.id}' not found")

    def serve() -> TaskFeed | None:
        if not next_items:
            return None
        return serve_session(
            session=session, labeler_session=labeler_session, limit=next_items, job_id=job_id, seed=seed
        )

    # the row keeps the task's objects referenced, so the identity map serves them to submit without reads
    row = session.execute(_TASK_WITH_LEASE, {"task_id": task_id, "labeler_id": labeler.id}).first()
    if row is None:
        example = session.get(AudienceExample, task_id)
        if example is None or example.deleted:
            raise NotFoundError(f"taskId: task '{task_id}' not found")
        graded = submit_example(session=session, labeler=labeler, example=example, answer=answer)
        return ExampleGrade(task_id=example.id, next=serve(), **graded)
    task, lease = row[0], row[1]
    served = serve()
    response = _store_answer(
        session=session,
        labeler=labeler,
        task=task,
        lease=lease,
        answer=answer,
        session_id=labeler_session.id,
        seed=seed,
        ctx=None,
    )
    return AnswerAccepted(task_id=task.id, response_id=response.id, next=served)
