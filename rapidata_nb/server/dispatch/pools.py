"""Pools: who may answer an audience's jobs, with which user score, and why a job cannot progress."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from rapidata_nb.server.labeling import qualification
from rapidata_nb.server.labeling.filters import matches
from rapidata_nb.server.store import audiences as audience_store
from rapidata_nb.server.store.labeling import Audience, AudienceMember, Labeler

__all__ = ["audience_blocker", "audience_pool", "labeler_score", "resolve_audience"]


def resolve_audience(session: Session, audience_id: str) -> Audience | None:
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
    query = select(Labeler).where(Labeler.kind == kind if kind else Labeler.kind != "model")
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


def _anyone_in_pool(session: Session, audience: Audience) -> bool:
    """Whether :func:`audience_pool` is not empty; without filters, one indexed lookup instead of loading
    every labeler (``POST /job`` asks for each new job)."""
    if audience.kind == "global" and not audience.filters:
        return session.scalar(select(Labeler.id).where(Labeler.kind != "model").limit(1)) is not None
    return bool(audience_pool(session, audience))


def audience_blocker(session: Session, audience_id: str) -> str | None:
    """Why a job on this audience cannot progress, or ``None`` (shown as the job's failure/review info)."""
    aud = resolve_audience(session, audience_id)
    if aud is None:
        return f"audience {audience_id} does not exist or was deleted"
    if aud.kind == "filtered" and aud.base_audience_id:
        blocker = audience_blocker(session, aud.base_audience_id)
        if blocker is not None:
            return blocker
    base = audience_store.live_base(session=session, audience=aud)
    settled = base is not None and (base.kind != "custom" or base.recruiting_done)
    if aud.kind in ("global", "filtered") and settled and not _anyone_in_pool(session, aud):
        return f"no labeler of audience '{aud.name}' ({aud.id}) matches its filters {aud.filters}"
    if aud.kind != "custom":
        return None
    if not qualification.examples_of(session, aud.id):
        return (
            f"audience '{aud.name}' ({aud.id}) has no qualification examples, so nobody can graduate: add "
            "examples (add_*_example) and start recruiting, or use the global audience"
        )
    m = qualification.user_metrics(session, aud)
    if aud.recruiting_started_at is None:
        return f"audience '{aud.name}' ({aud.id}) has not started recruiting (call start_recruiting())"
    if aud.recruiting_done and qualification.qualified(m) == 0 and m["Distilling"] == 0:
        return (
            f"audience '{aud.name}' ({aud.id}): every candidate failed the qualification examples "
            f"({m['Dropped']} dropped); check the examples' truths"
        )
    return None
