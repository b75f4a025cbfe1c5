"""A model's verdicts on a job (``POST /job/{id}/model-verdicts``): a judge joins the job as a labeler.

The verdicts are stored as responses of a labeler of kind ``model`` (``store.model_responses``). The crowd's
results, early stopping, progress and billing never count them; a result document shows them under each
datapoint's ``modelResults``, and counts them with the crowd's votes only when asked (``includeModels``).

Rows name datapoints by their position in the job's results (0-based). A request with any bad row (an
unknown position, a label the task does not offer, more rows than datapoints) is refused whole with a 400
that names the row, and changes nothing.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from rapidata_nb.api.models import WireModel
from rapidata_nb.server.deps import CurrentUser, SessionDep
from rapidata_nb.server.dispatch.context import JobSpec, load_context
from rapidata_nb.server.errors import BadRequestError
from rapidata_nb.server.loaders import JobDep
from rapidata_nb.server.store import datasets as dataset_store
from rapidata_nb.server.store import model_responses as store
from rapidata_nb.server.store.labeling import JobTask
from rapidata_nb.server.store.models import Datapoint, Job

router = APIRouter(tags=["job"])

MAX_VERDICTS = 100_000
"""Rows per request."""
_COMPARE = {"A": 0, "B": 1, "tie": "Both", "Both": "Both", "Neither": "Neither"}


class ModelVerdict(WireModel):
    """One verdict: the datapoint's position in the results, the label and, for compare, what came with it."""

    position: int = Field(ge=0, le=10_000_000)
    verdict: str = Field(min_length=1, max_length=500)
    shown_first: Literal["A", "B"] | None = None
    """Compare: the side the model saw first."""
    probability_a: float | None = Field(None, ge=0, le=1)
    """Compare: the model's probability that A is better."""


class ModelVerdictsInput(WireModel):
    """Body of ``POST /job/{id}/model-verdicts``."""

    model: str = Field(min_length=1, max_length=100)
    verdicts: list[ModelVerdict] = Field(min_length=1, max_length=MAX_VERDICTS)


def _answer(spec: JobSpec, dp: Datapoint, row: ModelVerdict, at: str) -> dict[str, Any]:
    if spec.kind == "compare":
        if row.verdict not in _COMPARE:
            raise BadRequestError(
                f"{at}.verdict: {row.verdict!r} is not a compare verdict; use 'A', 'B' or 'tie' "
                "('Both' and 'Neither' count as a tie)"
            )
        return {"winner": _COMPARE[row.verdict]}
    if row.shown_first is not None or row.probability_a is not None:
        raise BadRequestError(f"{at}: shownFirst and probabilityA apply to compare jobs only")
    options = spec.options(dp)
    if row.verdict not in options:
        raise BadRequestError(f"{at}.verdict: {row.verdict!r} is not an option of this datapoint: {options}")
    return {"category": row.verdict}


def _rows(session: Session, job: Job, body: ModelVerdictsInput) -> list[store.ModelVerdictRow]:
    """The body's rows, validated against the job (every problem is a 400 naming the row)."""
    spec = load_context(session, job).spec
    if spec.kind not in ("compare", "classify"):
        raise BadRequestError(
            f"model verdicts apply to compare and classification jobs, not {spec.kind} jobs"
        )
    datapoints = dataset_store.list_datapoints(session=session, dataset_id=spec.dataset_id)
    if len(body.verdicts) > len(datapoints):
        raise BadRequestError(
            f"verdicts: {len(body.verdicts)} rows, but the job has {len(datapoints)} datapoints "
            "(one verdict each)"
        )
    tasks = {t.datapoint_id: t for t in session.scalars(select(JobTask).where(JobTask.job_id == job.id))}
    seen: set[int] = set()
    rows = []
    for i, row in enumerate(body.verdicts):
        at = f"verdicts[{i}]"
        if row.position >= len(datapoints) or datapoints[row.position].id not in tasks:
            raise BadRequestError(
                f"{at}.position: no datapoint at position {row.position}; the job has positions "
                f"0..{len(datapoints) - 1}"
            )
        if row.position in seen:
            raise BadRequestError(f"{at}.position: position {row.position} is given twice")
        seen.add(row.position)
        dp = datapoints[row.position]
        rows.append(
            store.ModelVerdictRow(
                task=tasks[dp.id],
                answer=_answer(spec, dp, row, at),
                shown_order=None
                if row.shown_first is None
                else ([0, 1] if row.shown_first == "A" else [1, 0]),
                probability_a=row.probability_a,
            )
        )
    return rows


@router.post("/job/{job_id}/model-verdicts")
def add_model_verdicts(
    body: ModelVerdictsInput, job: JobDep, session: SessionDep, user: CurrentUser
) -> dict[str, Any]:
    """Attach a model's verdicts to the caller's job (module docstring); a model's earlier verdicts on the
    same datapoints are replaced."""
    rows = _rows(session, job, body)
    labeler = store.model_labeler(session=session, customer_id=user.customer_id, model=body.model)
    stored = store.replace_model_responses(session=session, job_id=job.id, labeler=labeler, rows=rows)
    return {"jobId": job.id, "model": body.model, "stored": stored}
