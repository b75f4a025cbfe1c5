"""Labeler sessions: a person starts (or resumes) labeling, and sees their own standing.

A session fixes who labels (a human labeler, created from a profile on first use), for which audience (an
unlisted link or a custom audience to qualify for, else every audience the person belongs to) and how long a
served task stays answerable.

A labeler id is not a credential: resuming as a labeler needs the resume token issued with its first session
(only its hash is stored), and customers never see a person's labeler id — results name a person by a
pseudonym of their own (:func:`pseudonym`), so two customers cannot tell that they share a labeler.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import Session

from rapidata_nb.api.models.labeler import (
    LabelerProfile,
    LabelerSessionInput,
    LabelerSessionOutput,
    Membership,
    SessionAudience,
    SessionStatus,
)
from rapidata_nb.api.vocabulary import AGE_GROUPS, GENDERS, LABELER_DEVICE_TYPES
from rapidata_nb.server.errors import BadRequestError, NotFoundError
from rapidata_nb.server.labeling import qualification
from rapidata_nb.server.labeling.filters import ISO_COUNTRIES, ISO_LANGUAGES
from rapidata_nb.server.store.labeling import (
    Audience,
    AudienceMember,
    Labeler,
    LabelerSession,
    Response,
    new_id,
    utcnow,
)

__all__ = [
    "SESSION_HOURS",
    "load_session",
    "may_be_qualifying",
    "pseudonym",
    "session_status",
    "start_session",
]

SESSION_HOURS = 12
"""How long a labeler session id stays valid."""


def _check_profile(body: LabelerSessionInput) -> None:
    if body.country.upper() not in ISO_COUNTRIES:
        raise BadRequestError(f"country: unknown ISO-3166 country code {body.country!r}")
    if body.language.lower() not in ISO_LANGUAGES:
        raise BadRequestError(f"language: unknown ISO-639-1 language code {body.language!r}")
    for name, value, allowed in (
        ("age", body.age, AGE_GROUPS),
        ("gender", body.gender, GENDERS),
        ("device", body.device, LABELER_DEVICE_TYPES),
    ):
        if value not in allowed:
            raise BadRequestError(f"{name} must be one of {list(allowed)}, got {value!r}")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def pseudonym(*, customer_id: str, labeler_id: str, kind: str, resume_hash: str | None) -> str:
    """How a labeler is named in one customer's results.

    Simulated labelers keep their public ids (``lab_0042``: the population is the same on every server). A
    person is ``hum_`` and 16 hex digits keyed by their secret resume hash, so the name cannot be computed,
    nor linked across customers, by anyone who does not hold the database.
    """
    if kind != "human":
        return labeler_id
    key = (resume_hash or labeler_id).encode()
    return "hum_" + hmac.new(key, f"{customer_id}:{labeler_id}".encode(), hashlib.sha256).hexdigest()[:16]


def _resumed(session: Session, body: LabelerSessionInput) -> Labeler:
    labeler = session.get(Labeler, body.labeler_id)
    token = body.resume_token or ""
    if (
        labeler is None
        or labeler.kind != "human"
        or labeler.resume_hash is None
        or not hmac.compare_digest(labeler.resume_hash, _digest(token))
    ):
        raise NotFoundError(
            "labelerId: no labeler with this id and resumeToken (resuming needs the token issued with the "
            "labeler's first session); start a new session with a profile instead"
        )
    return labeler


def _new_human(session: Session, body: LabelerSessionInput, token: str) -> Labeler:
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
        resume_hash=_digest(token),
        created_at=utcnow(),
    )
    session.add(labeler)
    session.flush()
    return labeler


def start_session(
    *, session: Session, body: LabelerSessionInput, max_lease_seconds: float
) -> LabelerSessionOutput:
    """Start a labeling session, creating the human labeler or resuming ``body.labeler_id``.

    Raises:
        BadRequestError: A profile field is unknown, or ``leaseSeconds`` exceeds ``max_lease_seconds``.
        NotFoundError: The audience or the labeler to resume does not exist.
    """
    if body.lease_seconds is not None and body.lease_seconds > max_lease_seconds:
        raise BadRequestError(
            f"leaseSeconds: at most {max_lease_seconds:g} s (the server's session deadline), "
            f"got {body.lease_seconds:g}"
        )
    if body.audience_id is not None:
        aud = session.get(Audience, body.audience_id)
        if aud is None or aud.deleted:
            raise NotFoundError(f"audienceId: audience '{body.audience_id}' not found")
    token = None if body.labeler_id else secrets.token_urlsafe(24)
    labeler = _resumed(session, body) if token is None else _new_human(session, body, token)
    lease_seconds = body.lease_seconds or max_lease_seconds
    now = utcnow()
    row = LabelerSession(
        id=new_id("ses"),
        labeler_id=labeler.id,
        audience_id=body.audience_id,
        created_at=now,
        deadline=now + timedelta(hours=SESSION_HOURS),
        lease_seconds=lease_seconds,
    )
    session.add(row)
    return LabelerSessionOutput(
        session_id=row.id,
        labeler_id=labeler.id,
        audience_id=body.audience_id,
        lease_seconds=lease_seconds,
        resume_token=token,
    )


def _memberships(session: Session, labeler_id: str) -> list[Membership]:
    rows = session.execute(
        select(AudienceMember, Audience)
        .join(Audience, Audience.id == AudienceMember.audience_id)
        .where(AudienceMember.labeler_id == labeler_id, Audience.deleted.is_(False))
        .order_by(AudienceMember.id)
    )
    return [
        Membership(
            audience_id=aud.id,
            audience_name=aud.name,
            answered=member.answered,
            examples=len(qualification.examples_of(session, aud.id)),
            **qualification.disclosed_standing(aud, member),
        )
        for member, aud in rows
    ]


_LOADED = "rapidata_nb.loaded_labelers"
"""``Session.info`` key: ``{labeler_id: (labeler, qualifying)}`` as :func:`load_session` found them (the
reference keeps the labeler in the session's weak identity map)."""


_SESSION_WITH_LABELER = (
    select(
        LabelerSession,
        Labeler,
        exists()
        .where(AudienceMember.labeler_id == LabelerSession.labeler_id, AudienceMember.state == "Distilling")
        .label("qualifying"),
    )
    .outerjoin(Labeler, Labeler.id == LabelerSession.labeler_id)
    .where(LabelerSession.id == bindparam("session_id"))
)
"""Built once: every labeler request runs it (issue 14: building a statement and its cache key each time
cost a good part of a request)."""


def load_session(*, session: Session, session_id: str) -> LabelerSession | None:
    """A labeler session with its labeler, in one statement.

    The labeler stays in the session's identity map (``session.get(Labeler, ..)`` afterwards runs no
    statement), and whether it is qualifying for an audience is noted for :func:`may_be_qualifying`.
    """
    row = session.execute(_SESSION_WITH_LABELER, {"session_id": session_id}).first()
    if row is None:
        return None
    labeler_session, labeler, is_qualifying = row
    session.info.setdefault(_LOADED, {})[labeler_session.labeler_id] = (labeler, bool(is_qualifying))
    return labeler_session


def may_be_qualifying(session: Session, labeler_id: str) -> bool:
    """``False`` only when :func:`load_session` found, in this session, no audience the labeler qualifies
    for (so its examples need no query); a request's session is one transaction."""
    loaded = session.info.get(_LOADED, {}).get(labeler_id)
    return loaded is None or loaded[1]


def session_status(*, session: Session, labeler_session: LabelerSession) -> SessionStatus:
    """The labeler's own profile, progress and scores (never results or other labelers' answers)."""
    labeler = session.get(Labeler, labeler_session.labeler_id)
    if labeler is None:
        raise NotFoundError(f"labeler of session '{labeler_session.id}' not found")
    audience = session.get(Audience, labeler_session.audience_id) if labeler_session.audience_id else None
    answered = select(func.count()).select_from(Response)
    return SessionStatus(
        session_id=labeler_session.id,
        labeler_id=labeler.id,
        audience=SessionAudience(id=audience.id, name=audience.name, kind=audience.kind)
        if audience
        else None,
        profile=LabelerProfile(
            name=labeler.name,
            country=labeler.country,
            language=labeler.language,
            age=labeler.age,
            gender=labeler.gender,
            occupation=labeler.occupation,
            device=labeler.device,
        ),
        lease_seconds=labeler_session.lease_seconds,
        answered_in_session=session.scalar(answered.where(Response.session_id == labeler_session.id)) or 0,
        answered=session.scalar(answered.where(Response.labeler_id == labeler.id)) or 0,
        global_score=round(float(labeler.global_score), 4),
        memberships=_memberships(session, labeler.id),
    )
