"""Validation sets: tables and keyword-only queries.

A validation set belongs to one customer and holds rapids (a task with its known answer, stored in the same
shapes as qualification examples, so checking and grading are shared with them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    Select,
    String,
    Text,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from rapidata_nb.server.store.base import Base, UtcDateTime
from rapidata_nb.server.store.labeling import new_id, utcnow

__all__ = [
    "ValidationRapid",
    "ValidationSet",
    "add_rapid",
    "create_set",
    "live_sets",
    "kinds_of",
    "rapids_of",
]


class ValidationSet(Base):
    """A named collection of validation rapids."""

    __tablename__ = "validation_set"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    dimensions: Mapped[list[str]] = mapped_column(JSON, default=list)
    should_alert: Mapped[bool] = mapped_column(Boolean, default=True)
    """Whether a labeler who answers a rapid wrongly is shown the explanation."""
    is_flag_overruled: Mapped[bool] = mapped_column(Boolean, default=False)
    """``True`` once the owner said its rapids can no longer be flagged as wrong by labelers."""
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ValidationRapid(Base):
    """One validation task: payload, truth and asset in the qualification-example shapes."""

    __tablename__ = "validation_rapid"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    validation_set_id: Mapped[str] = mapped_column(ForeignKey("validation_set.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    """``compare``, ``classify``, ``locate``, ``draw``, ``select_words`` or ``timestamp``."""
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    truth: Mapped[dict[str, Any]] = mapped_column(JSON)
    asset: Mapped[dict[str, Any]] = mapped_column(JSON)
    context: Mapped[str | None] = mapped_column(Text)
    context_asset: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    explanation: Mapped[str | None] = mapped_column(Text)
    feature_flags: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    random_correct_probability: Mapped[float] = mapped_column(Float)
    content_key: Mapped[str] = mapped_column(String(64), index=True)
    sort_index: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


def create_set(*, session: Session, owner_id: str, name: str) -> ValidationSet:
    """Store an empty validation set."""
    row = ValidationSet(id=new_id("vs"), owner_id=owner_id, name=name, dimensions=[])
    session.add(row)
    session.flush()
    return row


def live_sets(*, owner_id: str, name: str = "") -> Select[tuple[ValidationSet]]:
    """The select of the caller's validation sets whose name contains ``name`` (for the paging helper)."""
    stmt = select(ValidationSet).where(ValidationSet.owner_id == owner_id, ValidationSet.deleted.is_(False))
    if name:
        stmt = stmt.where(ValidationSet.name.contains(name, autoescape=True))
    return stmt


def add_rapid(
    *,
    session: Session,
    validation_set: ValidationSet,
    kind: str,
    payload: dict[str, Any],
    truth: dict[str, Any],
    asset: dict[str, Any],
    context: str | None,
    context_asset: dict[str, Any] | None,
    explanation: str | None,
    feature_flags: list[dict[str, Any]],
    random_correct_probability: float,
    content_key: str,
) -> ValidationRapid:
    """Store a validated rapid at the end of the set."""
    count = session.scalar(select(func.count()).where(ValidationRapid.validation_set_id == validation_set.id))
    rapid = ValidationRapid(
        id=new_id("vr"),
        validation_set_id=validation_set.id,
        kind=kind,
        payload=payload,
        truth=truth,
        asset=asset,
        context=context,
        context_asset=context_asset,
        explanation=explanation,
        feature_flags=feature_flags,
        random_correct_probability=random_correct_probability,
        content_key=content_key,
        sort_index=int(count or 0),
    )
    session.add(rapid)
    session.flush()
    return rapid


def rapids_of(*, session: Session, validation_set_id: str, kind: str | None = None) -> list[ValidationRapid]:
    """The set's rapids in the order they were added (only those of ``kind`` when given)."""
    stmt = select(ValidationRapid).where(ValidationRapid.validation_set_id == validation_set_id)
    if kind is not None:
        stmt = stmt.where(ValidationRapid.kind == kind)
    return list(session.scalars(stmt.order_by(ValidationRapid.sort_index)))


def kinds_of(*, session: Session, validation_set_id: str) -> list[str]:
    """The task kinds present in a set, sorted."""
    rows = session.scalars(
        select(ValidationRapid.kind).where(ValidationRapid.validation_set_id == validation_set_id).distinct()
    )
    return sorted(rows)
