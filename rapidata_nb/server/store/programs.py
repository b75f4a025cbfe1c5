"""Tables of the programs built on top of jobs: signals, ranking flows and MRI benchmarks.

Scheduling instants (``next_run_ms``, ``expires_ms``) are integer milliseconds since the epoch: exact
equality makes the conditional-UPDATE claim of a signal tick portable across SQLite and PostgreSQL, and
no timezone is lost on SQLite. Every row has ``owner_id`` (the customer who created it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rapidata_nb.server.store.base import Base, UtcDateTime
from rapidata_nb.server.store.labeling import utcnow

__all__ = [
    "Benchmark",
    "BenchmarkPrompt",
    "Flow",
    "FlowItem",
    "Leaderboard",
    "Matchup",
    "Participant",
    "ParticipantSample",
    "Signal",
    "SignalRun",
    "from_ms",
    "now_ms",
    "to_ms",
]


def now_ms() -> int:
    """The store clock in integer milliseconds since the epoch."""
    return to_ms(utcnow())


def to_ms(value: datetime) -> int:
    """An aware datetime as integer epoch milliseconds."""
    return int(round(value.timestamp() * 1000))


def from_ms(value: int | None) -> datetime | None:
    """Epoch milliseconds as an aware UTC datetime."""
    return None if value is None else datetime.fromtimestamp(value / 1000, tz=UTC)


# --- signals ---------------------------------------------------------------------------------------------


class Signal(Base):
    """A schedule that fires one job from a definition for an audience every ``interval_ms``."""

    __tablename__ = "signal"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    audience_id: Mapped[str] = mapped_column(String(64))
    definition_id: Mapped[str] = mapped_column(String(64))
    revision_number: Mapped[int | None] = mapped_column(Integer)
    """Pinned revision, or ``None`` for the latest revision at fire time."""
    interval_ms: Mapped[int] = mapped_column(BigInteger)
    next_run_ms: Mapped[int] = mapped_column(BigInteger, index=True)
    last_run_ms: Mapped[int | None] = mapped_column(BigInteger)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    manual_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    """A ``trigger()`` waits for the scheduler (fires even when paused or while a job runs)."""
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class SignalRun(Base):
    """One firing: the job it created, or why it was skipped."""

    __tablename__ = "signal_run"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    signal_id: Mapped[str] = mapped_column(ForeignKey("signal.id"), index=True)
    tick_ms: Mapped[int] = mapped_column(BigInteger)
    """The claimed ``next_run_ms`` this run fired for."""
    trigger_source: Mapped[str] = mapped_column(String(16))
    """``Scheduled`` or ``Manual``."""
    status: Mapped[str] = mapped_column(String(16))
    """``Running`` (job created), ``Skipped`` or ``Failed``; job completion is read from the job."""
    started_ms: Mapped[int] = mapped_column(BigInteger, index=True)
    job_id: Mapped[str | None] = mapped_column(String(64), index=True)
    failure_message: Mapped[str | None] = mapped_column(Text)
    skipped_reason: Mapped[str | None] = mapped_column(Text)


# --- ranking flows ---------------------------------------------------------------------------------------


class Flow(Base):
    """A ranking flow: the configuration each new item snapshots."""

    __tablename__ = "flow"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(500))
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    """``criteria``, ``startingElo``, ``minResponses``, ``maxResponses``, ``audienceId``, flags..."""
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class FlowItem(Base):
    """One batch of a flow: a dataset ranked by an internal ranking job until done or expired."""

    __tablename__ = "flow_item"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    flow_id: Mapped[str] = mapped_column(ForeignKey("flow.id"), index=True)
    owner_id: Mapped[str] = mapped_column(String(64), index=True)
    dataset_id: Mapped[str] = mapped_column(String(64))
    definition_id: Mapped[str | None] = mapped_column(String(64))
    job_id: Mapped[str | None] = mapped_column(String(64), index=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The flow's configuration when the item was created (later updates do not touch it)."""
    context: Mapped[str | None] = mapped_column(Text)
    context_asset: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), default="Pending")
    failure_message: Mapped[str | None] = mapped_column(Text)
    expires_ms: Mapped[int | None] = mapped_column(BigInteger, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


# --- MRI ---------------------------------------------------------------------------------------------------


class Benchmark(Base):
    """A set of prompts (by identifier) that participants generate media for."""

    __tablename__ = "benchmark"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    min_assets_per_prompt: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class BenchmarkPrompt(Base):
    """A prompt of a benchmark: identifier, optional text, optional asset, tags."""

    __tablename__ = "benchmark_prompt"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    benchmark_id: Mapped[str] = mapped_column(ForeignKey("benchmark.id"), index=True)
    identifier: Mapped[str] = mapped_column(String(1000))
    text: Mapped[str | None] = mapped_column(Text)
    asset: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """Wire asset input of the prompt asset (``ExistingAssetInput``/``MultiAssetInput``)."""
    tags: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    origin: Mapped[str | None] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Leaderboard(Base):
    """One evaluation criterion of a benchmark, answered by one audience."""

    __tablename__ = "leaderboard"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    benchmark_id: Mapped[str] = mapped_column(ForeignKey("benchmark.id"), index=True)
    owner_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(500))
    instruction: Mapped[str] = mapped_column(Text)
    show_prompt: Mapped[bool] = mapped_column(Boolean, default=False)
    show_prompt_asset: Mapped[bool] = mapped_column(Boolean, default=False)
    is_inversed: Mapped[bool] = mapped_column(Boolean, default=False)
    response_budget: Mapped[int] = mapped_column(Integer)
    min_responses: Mapped[int] = mapped_column(Integer)
    audience_id: Mapped[str] = mapped_column(String(64))
    vote_aggregation: Mapped[str] = mapped_column(String(16), default="MajorityVote")
    included_tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    excluded_tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    feature_flags: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Participant(Base):
    """A model taking part in a benchmark."""

    __tablename__ = "participant"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    benchmark_id: Mapped[str] = mapped_column(ForeignKey("benchmark.id"), index=True)
    owner_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default="Created")
    """``Created`` → ``Submitted``; ``disabled`` is kept apart so enabling restores the status."""
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    cost: Mapped[float | None] = mapped_column(Float)
    """The model's price in US dollars per ``cost_unit`` (``None``: not priced)."""
    cost_unit: Mapped[str | None] = mapped_column(String(32))
    """``UsdPerImage``, ``UsdPerVideoSecond``, ``UsdPerMillionTokens`` or ``UsdPerSample``."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ParticipantSample(Base):
    """One medium a participant generated for one prompt identifier."""

    __tablename__ = "participant_sample"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    participant_id: Mapped[str] = mapped_column(ForeignKey("participant.id"), index=True)
    identifier: Mapped[str] = mapped_column(String(1000), index=True)
    asset: Mapped[dict[str, Any]] = mapped_column(JSON)
    """Wire asset input (``ExistingAssetInput`` or ``TextAssetInput``)."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Matchup(Base):
    """A compare datapoint of an evaluation job: sample A (datapoint side 0) against sample B (side 1)."""

    __tablename__ = "matchup"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    leaderboard_id: Mapped[str] = mapped_column(ForeignKey("leaderboard.id"), index=True)
    job_id: Mapped[str | None] = mapped_column(String(64), index=True)
    datapoint_id: Mapped[str | None] = mapped_column(String(64), index=True)
    identifier: Mapped[str] = mapped_column(String(1000))
    participant_a: Mapped[str] = mapped_column(String(64), index=True)
    participant_b: Mapped[str] = mapped_column(String(64), index=True)
    sample_a: Mapped[str] = mapped_column(String(64))
    sample_b: Mapped[str] = mapped_column(String(64))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
