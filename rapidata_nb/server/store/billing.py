"""Billing queries: the server's own accounting of the responses its customers' jobs collected.

There is no billing table: a customer's responses are counted per calendar month (UTC) from the
``response`` rows of their jobs, so the figures can never drift from what was labeled.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rapidata_nb.server.store.labeling import Response
from rapidata_nb.server.store.models import Job

__all__ = ["first_job_at", "response_count"]


def response_count(*, session: Session, owner_id: str, start: datetime | None, end: datetime) -> int:
    """Responses collected for ``owner_id``'s jobs in ``[start, end)`` (from the beginning when ``start`` is
    ``None``)."""
    stmt = (
        select(func.count())
        .select_from(Response)
        .join(Job, Job.id == Response.job_id)
        .where(Job.owner_id == owner_id, Response.created_at < end)
    )
    if start is not None:
        stmt = stmt.where(Response.created_at >= start)
    return int(session.scalar(stmt) or 0)


def first_job_at(*, session: Session, owner_id: str) -> datetime | None:
    """When ``owner_id`` created their first job (deleted ones included: their responses were billed)."""
    return session.scalar(select(func.min(Job.created_at)).where(Job.owner_id == owner_id))
