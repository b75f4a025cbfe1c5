"""The task feed for humans (the web labeling app, your team), on the same dispatcher as the crowd.

1. ``POST /labeler/session`` with a profile (optionally ``labelerId`` to resume, ``audienceId`` to label for
   one audience, e.g. an unlisted link or a custom audience to qualify for) → ``{sessionId, labelerId}``.
2. ``GET /labeler/session/{id}/tasks?limit=n[&jobId=..]`` → qualification examples first, then leased tasks
   (of one job with ``jobId``), each answerable for ``settings.session_seconds`` (25 s).
3. ``POST /labeler/session/{id}/answers`` with ``{taskId, answer}`` (answer shapes: ``dispatch.py``).
4. ``GET /labeler/session/{id}`` → the labeler's own profile, answer counts and scores (the web app's header).

The task deadline is ``settings.session_seconds`` (25 s); a session may ask for a shorter one
(``leaseSeconds``).

Late, duplicate or unserved answers are rejected with 410/409 and a message saying why.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from pydantic import Field
from sqlalchemy import func, select

from rapidata_nb.api.models import WireModel
from rapidata_nb.server import dispatch
from rapidata_nb.server.deps import SessionDep, SettingsDep
from rapidata_nb.server.errors import BadRequestError, NotFoundError
from rapidata_nb.server.labeling import qualification
from rapidata_nb.server.labeling.filters import ISO_COUNTRIES, ISO_LANGUAGES
from rapidata_nb.server.store.labeling import (
    Audience,
    AudienceExample,
    AudienceMember,
    JobTask,
    Labeler,
    LabelerSession,
    Response,
    new_id,
    utcnow,
)

router = APIRouter(prefix="/labeler", tags=["labeler"])

# NOTE(crowd → server-core): these bodies are local-only (not part of the Rapidata wire protocol); they live
# here until ``rapidata_nb/api/models/labeler.py`` exists — move them there if the client needs them.


class LabelerSessionInput(WireModel):
    """Body of ``POST /labeler/session``."""

    labeler_id: str | None = None
    name: str | None = Field(None, max_length=200)
    country: str = "US"
    language: str = "en"
    age: str = "18-29"
    gender: str = "Other"
    occupation: str = "Other"
    device: str = "Unknown"
    audience_id: str | None = None
    lease_seconds: float | None = Field(None, gt=0, le=3600)
    """Shorter task deadline for this session; defaults to (at most) ``settings.session_seconds``."""


class AnswerInput(WireModel):
    """Body of ``POST /labeler/session/{id}/answers``."""

    task_id: str
    answer: dict[str, Any]


_AGES = ("0-17", "18-29", "30-39", "40-49", "50-64", "65+")
_GENDERS = ("Male", "Female", "Other")
_DEVICES = ("Phone", "Tablet", "Desktop", "Unknown")


def get_labeler_session(session_id: str, session: SessionDep) -> LabelerSession:
    """Load a labeler session or answer 404."""
    row = session.get(LabelerSession, session_id)
    if row is None:
        raise NotFoundError(f"Labeler session '{session_id}' not found; start one with POST /labeler/session")
    return row


LabelerSessionDep = Annotated[LabelerSession, Depends(get_labeler_session)]


def _check_profile(body: LabelerSessionInput) -> None:
    if body.country.upper() not in ISO_COUNTRIES:
        raise BadRequestError(f"country: unknown ISO-3166 country code {body.country!r}")
    if body.language.lower() not in ISO_LANGUAGES:
        raise BadRequestError(f"language: unknown ISO-639-1 language code {body.language!r}")
    for name, value, allowed in (
        ("age", body.age, _AGES),
        ("gender", body.gender, _GENDERS),
        ("device", body.device, _DEVICES),
    ):
        if value not in allowed:
            raise BadRequestError(f"{name} must be one of {list(allowed)}, got {value!r}")


@router.post("/session")
def start_session(body: LabelerSessionInput, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    """Start a labeling session (creating the human labeler, or resuming ``labelerId``)."""
    if body.lease_seconds is not None and body.lease_seconds > settings.session_seconds:
        raise BadRequestError(
            f"leaseSeconds: at most {settings.session_seconds:g} s (the server's session deadline), "
            f"got {body.lease_seconds:g}"
        )
    lease_seconds = body.lease_seconds or settings.session_seconds
    if body.audience_id is not None:
        aud = session.get(Audience, body.audience_id)
        if aud is None or aud.deleted:
            raise NotFoundError(f"audienceId: audience '{body.audience_id}' not found")
    labeler = session.get(Labeler, body.labeler_id) if body.labeler_id else None
    if body.labeler_id and (labeler is None or labeler.kind != "human"):
        raise NotFoundError(f"labelerId: human labeler '{body.labeler_id}' not found")
    if labeler is None:
        _check_profile(body)
        labeler = Labeler(
            id=new_id("hum"),
            kind="human",
            name=body.name,
            country=body.country.upper(),
            language=body.language.lower(),
            age=body.age,
            gender=body.gender,
            occupation=body.occupation,
            device=body.device,
            skill=0.5,
            speed=1.0,
            position_bias=0.0,
            taste=0.0,
            global_score=0.5,
            created_at=utcnow(),
        )
        session.add(labeler)
        session.flush()
    now = utcnow()
    row = LabelerSession(
        id=new_id("ses"),
        labeler_id=labeler.id,
        audience_id=body.audience_id,
        created_at=now,
        deadline=now + timedelta(hours=12),
        lease_seconds=lease_seconds,
    )
    session.add(row)
    return {
        "sessionId": row.id,
        "labelerId": labeler.id,
        "audienceId": body.audience_id,
        "leaseSeconds": lease_seconds,
    }


@router.get("/session/{session_id}")
def session_status(ls: LabelerSessionDep, session: SessionDep) -> dict[str, Any]:
    """The labeler's own profile, progress and scores (never results or other labelers' answers)."""
    labeler = session.get(Labeler, ls.labeler_id)
    assert labeler is not None
    audience = session.get(Audience, ls.audience_id) if ls.audience_id else None
    in_session = select(func.count()).select_from(Response).where(Response.session_id == ls.id)
    in_total = select(func.count()).select_from(Response).where(Response.labeler_id == labeler.id)
    memberships = []
    for member, aud in session.execute(
        select(AudienceMember, Audience)
        .join(Audience, Audience.id == AudienceMember.audience_id)
        .where(AudienceMember.labeler_id == labeler.id, Audience.deleted.is_(False))
        .order_by(AudienceMember.id)
    ):
        memberships.append(
            {
                "audienceId": aud.id,
                "audienceName": aud.name,
                "state": member.state,
                "userScore": round(float(member.user_score), 4),
                "answered": member.answered,
                "correct": member.correct,
                "examples": len(qualification.examples_of(session, aud.id)),
            }
        )
    return {
        "sessionId": ls.id,
        "labelerId": labeler.id,
        "audience": {"id": audience.id, "name": audience.name, "kind": audience.kind} if audience else None,
        "profile": {
            "name": labeler.name,
            "country": labeler.country,
            "language": labeler.language,
            "age": labeler.age,
            "gender": labeler.gender,
            "occupation": labeler.occupation,
            "device": labeler.device,
        },
        "leaseSeconds": ls.lease_seconds,
        "answeredInSession": session.scalar(in_session) or 0,
        "answered": session.scalar(in_total) or 0,
        "globalScore": round(float(labeler.global_score), 4),
        "memberships": memberships,
    }


@router.get("/session/{session_id}/tasks")
def next_tasks(
    ls: LabelerSessionDep,
    session: SessionDep,
    settings: SettingsDep,
    limit: int = Query(1, ge=1, le=50),
    job_id: str | None = Query(None, alias="jobId"),
) -> dict[str, Any]:
    """Serve the next items: qualification examples first, then leased tasks of running jobs (or of one)."""
    labeler = session.get(Labeler, ls.labeler_id)
    assert labeler is not None
    items = dispatch.next_tasks(
        session=session,
        labeler=labeler,
        limit=limit,
        session_id=ls.id,
        audience_id=ls.audience_id,
        seconds=float(ls.lease_seconds or dispatch.LEASE_SECONDS),
        seed=settings.crowd_seed,
        job_id=job_id,
    )
    return {"items": items}


@router.post("/session/{session_id}/answers")
def submit_answer(
    ls: LabelerSessionDep, session: SessionDep, settings: SettingsDep, body: Annotated[AnswerInput, Body()]
) -> dict[str, Any]:
    """Submit one answer to a served task or qualification example."""
    labeler = session.get(Labeler, ls.labeler_id)
    assert labeler is not None
    example = session.get(AudienceExample, body.task_id)
    if example is not None and not example.deleted:
        result = dispatch.submit_example(
            session=session, labeler=labeler, example=example, answer=body.answer
        )
        return {"taskId": example.id, "isExample": True, **result}
    task = session.get(JobTask, body.task_id)
    if task is None:
        raise NotFoundError(f"taskId: task '{body.task_id}' not found")
    response = dispatch.submit(
        session=session,
        labeler=labeler,
        task=task,
        answer=body.answer,
        session_id=ls.id,
        seed=settings.crowd_seed,
    )
    return {"taskId": task.id, "isExample": False, "responseId": response.id, "accepted": True}
