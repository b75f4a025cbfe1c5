"""Tables of the labeling side: audiences, labelers, qualification, tasks, leases and responses.

DESIGN §6–§7 describe them. The job/dataset tables live in ``store/models.py``; the columns here that point
at them (``job_id``, ``datapoint_id``) are plain indexed strings so the two modules can evolve independently.

Concurrency (DESIGN §5): every "who labels what" decision is protected by a unique constraint
(``uq_task_lease`` on task+labeler, ``uq_response`` on task+labeler, ``uq_audience_member`` on
audience+labeler), never by an in-memory lock, so several replicas may share one PostgreSQL database.
"""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from rapidata_nb.server.store.base import Base, UtcDateTime

__all__ = [
    "AUDIENCE_KINDS",
    "AUDIENCE_STATUSES",
    "DEFAULT_QUALIFICATION_FEEDBACK",
    "MEMBER_STATES",
    "Audience",
    "AudienceExample",
    "AudienceMember",
    "ExampleAnswer",
    "JobTask",
    "Labeler",
    "LabelerSession",
    "ModelResponse",
    "OracleTruth",
    "Response",
    "TaskLease",
    "new_id",
    "new_ids",
    "utcnow",
]

AUDIENCE_KINDS = ("global", "curated", "custom", "filtered", "unlisted")
AUDIENCE_STATUSES = ("Created", "Recruiting", "Ready")
MEMBER_STATES = ("Distilling", "Graduated", "Dropped")
DEFAULT_QUALIFICATION_FEEDBACK = "after_decision"
"""A custom audience's ``qualification_feedback`` unless its owner chose one: per-example verdicts would
teach throwaway labelers the examples' truths (``docs/team-server.md``)."""


def utcnow() -> datetime:
    """Timezone-aware UTC now (the one clock of the store)."""
    return datetime.now(UTC)


def new_id(prefix: str) -> str:
    """An opaque id such as ``aud_k3J9x0aQ2bZ`` (prefix + 11 url-safe characters)."""
    return f"{prefix}_{secrets.token_urlsafe(8)[:11]}"


def new_ids(prefix: str, n: int) -> list[str]:
    """``n`` ids as :func:`new_id` makes them, from one read of the system's randomness (bulk writes)."""
    raw = secrets.token_bytes(8 * n)
    return [f"{prefix}_{base64.urlsafe_b64encode(raw[8 * i : 8 * i + 8])[:11].decode()}" for i in range(n)]


class Audience(Base):
    """Who labels: the global pool, a curated pool, a custom (qualified) audience or a view of one."""

    __tablename__ = "audience"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[str | None] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(16))
    """One of ``AUDIENCE_KINDS``."""
    base_audience_id: Mapped[str | None] = mapped_column(ForeignKey("audience.id"))
    """For ``filtered`` audiences: the audience whose graduated pool is filtered."""
    filters: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    """Wire filter objects (``CountryFilter`` wire dicts, ...), ANDed."""
    graduation_rule: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """Wire ``TaskAccuracy`` rule or ``None`` (server defaults, see ``crowd/runner.py``)."""
    status: Mapped[str] = mapped_column(String(16), default="Created")
    """One of ``AUDIENCE_STATUSES``."""
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    qualification_feedback: Mapped[str] = mapped_column(
        String(16), default=DEFAULT_QUALIFICATION_FEEDBACK, server_default=DEFAULT_QUALIFICATION_FEEDBACK
    )
    """What candidates learn of their example answers: ``api.models.QualificationFeedback``."""
    recruiting_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    recruiting_done: Mapped[bool] = mapped_column(Boolean, default=False)
    """True once every simulated candidate has taken the qualification (humans may still join)."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class AudienceExample(Base):
    """A qualification example with its real truth (wire notes §3.3)."""

    __tablename__ = "audience_example"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    audience_id: Mapped[str] = mapped_column(ForeignKey("audience.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    """``compare``, ``classify``, ``locate``, ``draw`` or ``select_words``."""
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    truth: Mapped[dict[str, Any]] = mapped_column(JSON)
    asset: Mapped[dict[str, Any]] = mapped_column(JSON)
    context: Mapped[str | None] = mapped_column(Text)
    context_asset: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    explanation: Mapped[str | None] = mapped_column(Text)
    feature_flags: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    random_correct_probability: Mapped[float] = mapped_column(Float)
    content_key: Mapped[str] = mapped_column(String(64))
    sort_index: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class Labeler(Base):
    """A labeler: simulated (``sim``), a human using the ``/labeler`` feed (``human``), or a model whose
    verdicts a customer attached to a job (``model``: in no audience, so never served a task)."""

    __tablename__ = "labeler"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), default="sim")
    name: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    language: Mapped[str] = mapped_column(String(8))
    age: Mapped[str] = mapped_column(String(8))
    """Wire age bucket: ``0-17``, ``18-29``, ``30-39``, ``40-49``, ``50-64``, ``65+``."""
    gender: Mapped[str] = mapped_column(String(8))
    """``Male``, ``Female`` or ``Other``."""
    occupation: Mapped[str] = mapped_column(String(64))
    device: Mapped[str] = mapped_column(String(8))
    """``Phone``, ``Tablet``, ``Desktop`` or ``Unknown``."""
    skill: Mapped[float] = mapped_column(Float, default=0.5)
    """Latent skill s in (0, 1): P(correct) = r + (1 - r) s (DESIGN §6). Hidden from clients."""
    speed: Mapped[float] = mapped_column(Float, default=1.0)
    """Relative speed (responses per pace unit)."""
    position_bias: Mapped[float] = mapped_column(Float, default=0.0)
    """Preference for the left/first shown item, in [-0.1, 0.1]."""
    taste: Mapped[float] = mapped_column(Float, default=0.0)
    """Country-dependent taste in [-1, 1]; shifts subjective preferences."""
    global_score: Mapped[float] = mapped_column(Float, default=0.5)
    """The ``userScores.global`` reported in results."""
    resume_hash: Mapped[str | None] = mapped_column(String(64))
    """A person's resume token, hashed (sha256): resuming as this labeler needs the token."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class AudienceMember(Base):
    """A labeler's standing in an audience."""

    __tablename__ = "audience_member"
    __table_args__ = (UniqueConstraint("audience_id", "labeler_id", name="uq_audience_member"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    audience_id: Mapped[str] = mapped_column(ForeignKey("audience.id"), index=True)
    labeler_id: Mapped[str] = mapped_column(ForeignKey("labeler.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="Distilling")
    """One of ``MEMBER_STATES``."""
    user_score: Mapped[float] = mapped_column(Float, default=0.5)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ExampleAnswer(Base):
    """One qualification answer."""

    __tablename__ = "example_answer"
    __table_args__ = (UniqueConstraint("example_id", "labeler_id", name="uq_example_answer"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    audience_id: Mapped[str] = mapped_column(ForeignKey("audience.id"), index=True)
    example_id: Mapped[str] = mapped_column(ForeignKey("audience_example.id"), index=True)
    labeler_id: Mapped[str] = mapped_column(ForeignKey("labeler.id"), index=True)
    answer: Mapped[dict[str, Any]] = mapped_column(JSON)
    correct: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class LabelerSession(Base):
    """A labeling session of the ``/labeler`` feed (humans) or of the crowd runner."""

    __tablename__ = "labeler_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    labeler_id: Mapped[str] = mapped_column(ForeignKey("labeler.id"), index=True)
    audience_id: Mapped[str | None] = mapped_column(ForeignKey("audience.id"))
    """Restricts the session to one audience (e.g. an unlisted audience link), else any."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(UtcDateTime())
    lease_seconds: Mapped[float] = mapped_column(Float, default=25.0)
    """How long each served task stays answerable (25 s unless the session asked for another value)."""


class JobTask(Base):
    """One unit of work of a job: a datapoint, or a ranking matchup (``item_a`` vs ``item_b``)."""

    __tablename__ = "job_task"
    # the order in which tasks are served (dispatch.leasing, crowd.runner): fewest responses first
    __table_args__ = (Index("ix_job_task_serve", "job_id", "done", "response_count", "sort_index", "id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    job_id: Mapped[str] = mapped_column(String(64), index=True)
    datapoint_id: Mapped[str | None] = mapped_column(String(64), index=True)
    group: Mapped[str | None] = mapped_column(String(64))
    item_a: Mapped[str | None] = mapped_column(String(64))
    item_b: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    """``compare``, ``classify``, ``locate``, ``draw``, ``select_words``, ``free_text`` or ``ranking``."""
    content_key: Mapped[str] = mapped_column(String(64), index=True)
    sort_index: Mapped[int] = mapped_column(Integer, default=0)
    target_responses: Mapped[int] = mapped_column(Integer)
    response_count: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class TaskLease(Base):
    """A task served to a labeler, answerable until ``expires_at`` (bounds overflow, DESIGN §6)."""

    __tablename__ = "task_lease"
    # the unique constraint's index serves lookups by task too (a separate one would cost every insert)
    __table_args__ = (UniqueConstraint("task_id", "labeler_id", name="uq_task_lease"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("job_task.id"))
    labeler_id: Mapped[str] = mapped_column(ForeignKey("labeler.id"), index=True)
    session_id: Mapped[str | None] = mapped_column(String(64), index=True)
    shown_order: Mapped[list[int] | None] = mapped_column(JSON)
    """Permutation of the compare/ranking sides or classify options as shown."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    answered: Mapped[bool] = mapped_column(Boolean, default=False)


class Response(Base):
    """One labeler's answer to one task."""

    __tablename__ = "response"
    # the unique constraint's index serves lookups by task too (a separate one would cost every insert)
    __table_args__ = (UniqueConstraint("task_id", "labeler_id", name="uq_response"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    job_id: Mapped[str] = mapped_column(String(64), index=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("job_task.id"))
    datapoint_id: Mapped[str | None] = mapped_column(String(64), index=True)
    labeler_id: Mapped[str] = mapped_column(ForeignKey("labeler.id"), index=True)
    session_id: Mapped[str | None] = mapped_column(String(64))
    answer: Mapped[dict[str, Any]] = mapped_column(JSON)
    """Canonical answer in datapoint order (see ``dispatch.py`` for the per-type shape)."""
    shown_order: Mapped[list[int] | None] = mapped_column(JSON)
    user_score: Mapped[float] = mapped_column(Float)
    """The labeler's score in the job's audience at answer time."""
    seq: Mapped[int] = mapped_column(Integer, default=0)
    """1-based position of this response within its task (k-th response)."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ModelResponse(Base):
    """A model labeler's verdict on one task (a judge's column attached to a job).

    Kept apart from :class:`Response` so that nothing the crowd's results, early stopping, progress, flows or
    billing count can include it by accident; results count it only when asked (``includeModels``).
    """

    __tablename__ = "model_response"
    __table_args__ = (UniqueConstraint("task_id", "labeler_id", name="uq_model_response"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    job_id: Mapped[str] = mapped_column(String(64), index=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("job_task.id"))
    datapoint_id: Mapped[str | None] = mapped_column(String(64))
    labeler_id: Mapped[str] = mapped_column(ForeignKey("labeler.id"))
    answer: Mapped[dict[str, Any]] = mapped_column(JSON)
    """Canonical answer, as in :class:`Response`."""
    shown_order: Mapped[list[int] | None] = mapped_column(JSON)
    """Compare: the order the model saw the sides in, if known."""
    probability_a: Mapped[float | None] = mapped_column(Float)
    """Compare: the model's probability that A is better, if it gave one."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class OracleTruth(Base):
    """A known truth registered for a content key (overrides the latent truth of ``crowd/truth.py``)."""

    __tablename__ = "oracle_truth"

    content_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    truth: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
