"""Model labelers and their responses: a judge's verdicts attached to a job (issue 16).

A model is a :class:`~rapidata_nb.server.store.labeling.Labeler` of kind ``model``, one per (customer, model
name), that belongs to no audience, so no task is ever served to it. Its verdicts live in
:class:`~rapidata_nb.server.store.labeling.ModelResponse`, beside (not among) the crowd's responses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from rapidata_nb.server.store.labeling import JobTask, Labeler, ModelResponse, new_id, utcnow

__all__ = ["ModelVerdictRow", "model_labeler", "model_responses", "replace_model_responses"]


@dataclass(frozen=True)
class ModelVerdictRow:
    """One validated verdict to store: the task, its canonical answer and what came with it."""

    task: JobTask
    answer: dict[str, Any]
    shown_order: list[int] | None
    probability_a: float | None


def _labeler_id(customer_id: str, model: str) -> str:
    return "mdl_" + hashlib.sha256(f"{customer_id}:{model}".encode()).hexdigest()[:24]


def model_labeler(*, session: Session, customer_id: str, model: str) -> Labeler:
    """The customer's labeler for ``model`` (created on first use)."""
    labeler = session.get(Labeler, _labeler_id(customer_id, model))
    if labeler is None:
        labeler = Labeler(
            id=_labeler_id(customer_id, model),
            kind="model",
            name=model,
            country="",
            language="",
            age="",
            gender="",
            occupation="",
            device="Unknown",
        )
        session.add(labeler)
        session.flush()
    return labeler


def replace_model_responses(
    *, session: Session, job_id: str, labeler: Labeler, rows: Sequence[ModelVerdictRow]
) -> int:
    """Store the model's verdicts on these tasks, replacing any it gave them before; returns how many."""
    task_ids = [row.task.id for row in rows]
    for start in range(0, len(task_ids), 900):  # below SQLite's limit of bound parameters
        session.execute(
            delete(ModelResponse).where(
                ModelResponse.labeler_id == labeler.id,
                ModelResponse.task_id.in_(task_ids[start : start + 900]),
            )
        )
    now = utcnow()
    session.execute(
        insert(ModelResponse),
        [
            {
                "id": new_id("mrs"),
                "job_id": job_id,
                "task_id": row.task.id,
                "datapoint_id": row.task.datapoint_id,
                "labeler_id": labeler.id,
                "answer": row.answer,
                "shown_order": row.shown_order,
                "probability_a": row.probability_a,
                "created_at": now,
            }
            for row in rows
        ],
    )
    return len(rows)


def model_responses(*, session: Session, job_id: str) -> list[tuple[ModelResponse, str]]:
    """The job's model responses with the model's name, oldest first."""
    rows = session.execute(
        select(ModelResponse, Labeler.name)
        .join(Labeler, Labeler.id == ModelResponse.labeler_id)
        .where(ModelResponse.job_id == job_id)
        .order_by(ModelResponse.created_at, ModelResponse.id)
    )
    return [(response, str(name)) for response, name in rows]
