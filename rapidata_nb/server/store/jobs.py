"""Repository of jobs: creation (with the audience check and task creation), state changes, listing,
progress."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from rapidata_nb.api.models import CreateJobInput
from rapidata_nb.server.errors import BadRequestError, NotFoundError
from rapidata_nb.server.store import definitions as definition_store
from rapidata_nb.server.store.labeling import Audience, JobTask, new_id, utcnow
from rapidata_nb.server.store.models import Job, JobDefinition

__all__ = [
    "JobCounts",
    "COLLECTING_STATES",
    "create_job",
    "delete_job",
    "find_audience",
    "job_counts",
    "list_jobs",
    "set_state",
]

_PUBLIC_KINDS = ("global", "curated")


def find_audience(*, session: Session, audience_id: str, owner_id: str) -> Audience | None:
    """An audience the owner may use: public/seeded ones and its own."""
    audience = session.get(Audience, audience_id)
    if audience is None or audience.deleted:
        return None
    if audience.kind in _PUBLIC_KINDS or audience.is_public or audience.owner_id == owner_id:
        return audience
    return None


def create_job(*, session: Session, owner_id: str, body: CreateJobInput) -> Job:
    """Validate and create a job; ``dispatch.open_job`` then creates its tasks.

    The job starts ``Submitted`` (opening it makes it ``Running``), or ``Queued`` behind an unfinished
    ``precedingJobId`` (the dispatcher starts it when that job completes).
    """
    definition = session.get(JobDefinition, body.job_definition_id)
    if definition is None or definition.deleted or definition.owner_id != owner_id:
        raise NotFoundError(f"jobDefinitionId: job definition '{body.job_definition_id}' not found")
    revision = definition_store.get_revision(
        session=session, definition=definition, number=body.revision_number
    )
    audience = find_audience(session=session, audience_id=body.audience_id, owner_id=owner_id)
    if audience is None:
        raise NotFoundError(f"audienceId: audience '{body.audience_id}' not found")
    state = "Submitted"
    if body.preceding_job_id:
        preceding = session.get(Job, body.preceding_job_id)
        if preceding is None or preceding.deleted or preceding.owner_id != owner_id:
            raise NotFoundError(f"precedingJobId: job '{body.preceding_job_id}' not found")
        if preceding.state != "Completed":
            state = "Queued"
    job = Job(
        id=new_id("job"),
        owner_id=owner_id,
        name=body.name or definition.name,
        definition_id=definition.id,
        revision_number=revision.revision_number,
        audience_id=audience.id,
        preceding_job_id=body.preceding_job_id,
        pipeline_id=new_id("pip"),
        state=state,
    )
    session.add(job)
    session.flush()
    return job


COLLECTING_STATES = ("Running", "Paused")
"""Job states in which answers to already served tasks are still accepted (``dispatch.submit``)."""


def _fence_responses(session: Session, job_id: str) -> None:
    """Lock every task of the job: answers in flight commit first, later ones wait for this transaction.

    ``dispatch.submit`` updates its task row *before* it re-reads the job, so an answer racing a stop either
    commits first and is counted, or waits here and then finds the job stopped: results read after the stop
    never change. Task rows before the job row is the lock order of ``submit`` as well, so the two cannot
    deadlock.
    """
    session.execute(
        update(JobTask).where(JobTask.job_id == job_id).values(response_count=JobTask.response_count)
    )


def set_state(*, session: Session, job: Job, state: str, failure_message: str | None = None) -> None:
    """Change a job's state, stamping completion/failure times; leaving the collecting states is fenced."""
    if job.state in COLLECTING_STATES and state not in COLLECTING_STATES:
        _fence_responses(session, job.id)
    job.state = state
    if state == "Completed":
        job.completed_at = utcnow()
    elif state == "Failed":
        job.failed_at = utcnow()
        job.failure_message = failure_message
    else:
        job.failure_message = None


def delete_job(*, session: Session, job: Job) -> None:
    """Soft-delete a job: its tasks are no longer served, and no answer is taken once this commits."""
    _fence_responses(session, job.id)
    job.deleted = True
    if job.state in ("Running", "Queued", "Submitted"):
        set_state(session=session, job=job, state="Paused")


def list_jobs(
    *,
    session: Session,
    owner_id: str,
    audience_id: str | None,
    definition_id: str | None,
    name_contains: str | None,
    sort: list[str],
    page: int,
    page_size: int,
) -> tuple[int, list[Job]]:
    """A page of the owner's jobs, filtered and sorted (``-created_at`` by default)."""
    stmt = select(Job).where(Job.owner_id == owner_id, Job.deleted.is_(False))
    if audience_id:
        stmt = stmt.where(Job.audience_id == audience_id)
    if definition_id:
        stmt = stmt.where(Job.definition_id == definition_id)
    if name_contains:
        stmt = stmt.where(Job.name.contains(name_contains, autoescape=True))
    total = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    columns = {"created_at": Job.created_at, "name": Job.name, "state": Job.state}
    order = []
    for key in sort or ["-created_at"]:
        column = columns.get(key.lstrip("-"))
        if column is None:
            raise BadRequestError(f"sort: unknown sort key '{key}' (use created_at, name or state)")
        order.append(column.desc() if key.startswith("-") else column)
    stmt = stmt.order_by(*order, Job.id).offset((page - 1) * page_size).limit(page_size)
    return total, list(session.scalars(stmt))


@dataclass(frozen=True)
class JobCounts:
    """Task and response counts of a job."""

    total: int
    completed: int
    responses: int
    progress: float = 0.0
    """Finished tasks plus the finished share of open ones (responses / target, below 1)."""

    @property
    def percentage(self) -> float:
        """Progress in percent: it moves with every response, not only when a task closes."""
        return 100.0 * self.progress / self.total if self.total else 0.0


def job_counts(*, session: Session, job_id: str) -> JobCounts:
    """Tasks, finished tasks, responses and progress of a job."""
    share = case(
        (JobTask.done.is_(True), 1.0),
        (JobTask.response_count >= JobTask.target_responses, 0.99),
        else_=JobTask.response_count * 1.0 / func.nullif(JobTask.target_responses, 0),
    )
    total, completed, responses, progress = session.execute(
        select(
            func.count(JobTask.id),
            func.coalesce(func.sum(case((JobTask.done.is_(True), 1), else_=0)), 0),
            func.coalesce(func.sum(JobTask.response_count), 0),
            func.coalesce(func.sum(share), 0.0),
        ).where(JobTask.job_id == job_id)
    ).one()
    return JobCounts(
        total=int(total),
        completed=int(completed or 0),
        responses=int(responses or 0),
        progress=float(progress or 0.0),
    )
