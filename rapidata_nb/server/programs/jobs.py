"""The programs' only door into the definition/job layer (dispatch, store and crowd).

Signals, flows and MRI create ordinary datasets, definitions and jobs through the same store functions the
``/dataset``, ``/job/definition`` and ``/job`` routes use, and read the responses the crowd or humans gave.
Keeping every such call here keeps the programs independent of how those layers evolve.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rapidata_nb.api.models import (
    CreateDatapointInput,
    CreateDefinitionInput,
    CreateJobInput,
    DatasetSegmentInput,
    FeatureFlag,
)
from rapidata_nb.api.models.definition import (
    EarlyStoppingReferee,
    GroupedRankingWorkflow,
    NaiveReferee,
    QuorumReferee,
    SimpleWorkflow,
)
from rapidata_nb.server import dispatch
from rapidata_nb.server.errors import BadRequestError, NotFoundError
from rapidata_nb.server.store import datasets as dataset_store
from rapidata_nb.server.store import definitions as definition_store
from rapidata_nb.server.store import jobs as job_store
from rapidata_nb.server.store.labeling import JobTask, Labeler, Response
from rapidata_nb.server.store.models import Dataset, Job, JobDefinition

__all__ = [
    "TERMINAL_JOB_STATES",
    "Vote",
    "add_datapoint",
    "check_job_inputs",
    "create_dataset",
    "create_definition",
    "create_job",
    "job_is_running",
    "job_state",
    "stop_job",
    "votes",
]

TERMINAL_JOB_STATES = frozenset({"Completed", "Failed", "Cancelled", "Canceled", "Stopped"})


@dataclass(frozen=True)
class Vote:
    """One pairwise response: ``winner``/``loser`` are the ids of the compared items, plus the labeler's
    demographics and the job (an MRI evaluation run) it was given in."""

    task_id: str
    datapoint_id: str | None
    winner: str
    loser: str
    labeler_id: str
    country: str
    language: str
    gender: str
    age: str
    occupation: str
    user_score: float
    job_id: str


def check_job_inputs(
    *, session: Session, owner_id: str, definition_id: str, audience_id: str, revision_number: int | None
) -> None:
    """Check that a job could be created (definition, revision and audience exist); 404 otherwise."""
    definition = session.get(JobDefinition, definition_id)
    if definition is None or definition.deleted or definition.owner_id != owner_id:
        raise NotFoundError(f"jobDefinitionId: job definition '{definition_id}' not found")
    definition_store.get_revision(session=session, definition=definition, number=revision_number)
    if job_store.find_audience(session=session, audience_id=audience_id, owner_id=owner_id) is None:
        raise NotFoundError(f"audienceId: audience '{audience_id}' not found")


def create_job(
    *,
    session: Session,
    owner_id: str,
    definition_id: str,
    audience_id: str,
    revision_number: int | None,
    name: str | None = None,
) -> str:
    """Create a job exactly as ``POST /job`` does (same store function) and return its id."""
    body = CreateJobInput(
        job_definition_id=definition_id, audience_id=audience_id, revision_number=revision_number, name=name
    )
    job = job_store.create_job(session=session, owner_id=owner_id, body=body)
    dispatch.open_job(session=session, job=job)
    return str(job.id)


def job_state(*, session: Session, job_id: str) -> str:
    """The job's ``AudienceJobState`` (``Failed`` when it vanished)."""
    job = session.get(Job, job_id)
    if job is None or job.deleted:
        return "Failed"
    return str(job.state)


def job_is_running(*, session: Session, job_id: str) -> bool:
    """Whether the job still collects responses."""
    return job_state(session=session, job_id=job_id) not in TERMINAL_JOB_STATES


def stop_job(*, session: Session, job_id: str) -> None:
    """Stop collecting responses for a job (flow TTL expiry): it ends ``Completed`` with what it has."""
    job = session.get(Job, job_id)
    if job is None or not job_is_running(session=session, job_id=job_id):
        return
    job_store.set_state(session=session, job=job, state="Completed")


def create_dataset(*, session: Session, owner_id: str, name: str) -> Dataset:
    """A new empty dataset."""
    return dataset_store.create_dataset(session=session, owner_id=owner_id, name=name, schema=None)


def add_datapoint(
    *,
    session: Session,
    dataset: Dataset,
    asset: dict[str, Any],
    context: str | None = None,
    context_asset: dict[str, Any] | None = None,
    group: str | None = None,
    sort_index: int | None = None,
    private_metadata: dict[str, str] | None = None,
) -> str:
    """Add one datapoint (wire asset dicts) and return its id."""
    segments: list[dict[str, Any]] = [{"key": "asset", "kind": "Asset", "asset": asset}]
    if context is not None:
        segments.append({"key": "context", "kind": "Text", "text": context})
    if context_asset is not None:
        segments.append({"key": "context_asset", "kind": "Asset", "asset": context_asset})
    body = CreateDatapointInput(
        segments=[DatasetSegmentInput.model_validate(s) for s in segments],
        sort_index=sort_index,
        group=group,
        private_metadata=private_metadata,
    )
    return str(dataset_store.create_datapoint(session=session, dataset=dataset, body=body).id)


def create_definition(
    *,
    session: Session,
    owner_id: str,
    name: str,
    dataset_id: str,
    workflow: SimpleWorkflow | GroupedRankingWorkflow,
    referee: NaiveReferee | QuorumReferee | EarlyStoppingReferee,
    feature_flags: Sequence[dict[str, str]] = (),
) -> str:
    """Create a job definition and return its id."""
    body = CreateDefinitionInput(
        definition_name=name,
        workflow=workflow,
        referee=referee,
        dataset_id=dataset_id,
        rapid_feature_flags=[FeatureFlag.model_validate(f) for f in feature_flags] or None,
    )
    definition, _ = definition_store.create_definition(session=session, owner_id=owner_id, body=body)
    return str(definition.id)


def votes(
    *, session: Session, job_ids: Sequence[str], pairs: dict[str, tuple[str, str]] | None = None
) -> list[Vote]:
    """Every pairwise response of the given jobs, in answer order.

    Ranking tasks compare ``item_a`` (answer ``winner == 0``) with ``item_b``; compare tasks compare the two
    sides of their datapoint, named by ``pairs[datapoint_id] = (side0, side1)`` (MRI matchups).
    """
    if not job_ids:
        return []
    stmt = (
        select(Response, JobTask, Labeler)
        .join(JobTask, JobTask.id == Response.task_id)
        .join(Labeler, Labeler.id == Response.labeler_id)
        .where(Response.job_id.in_(list(job_ids)))
        .order_by(Response.created_at, Response.id)
    )
    out: list[Vote] = []
    for response, task, labeler in session.execute(stmt):
        winner_side = response.answer.get("winner")
        if winner_side not in (0, 1):
            continue  # "unsure"/neither answers carry no preference
        if task.item_a is not None and task.item_b is not None:
            sides = (task.item_a, task.item_b)
        elif pairs is not None and task.datapoint_id in pairs:
            sides = pairs[task.datapoint_id]
        else:
            continue
        out.append(
            Vote(
                task_id=task.id,
                datapoint_id=task.datapoint_id,
                winner=sides[winner_side],
                loser=sides[1 - winner_side],
                labeler_id=labeler.id,
                country=labeler.country,
                language=labeler.language,
                gender=labeler.gender,
                age=labeler.age,
                occupation=labeler.occupation,
                user_score=float(response.user_score),
                job_id=response.job_id,
            )
        )
    return out


def require(condition: bool, message: str) -> None:
    """Raise a 400 naming the field when ``condition`` is false."""
    if not condition:
        raise BadRequestError(message)
