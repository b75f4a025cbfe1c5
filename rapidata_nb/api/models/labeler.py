"""The labeler feed (``/labeler/...``): our own protocol between the server and whoever labels, the web
labeling app, the notebook's ``Labeler`` widget or a script. It is not part of the Rapidata API.

A session (:class:`LabelerSessionInput` → :class:`LabelerSessionOutput`) serves items
(:class:`TaskFeed` of :class:`ServedTask`, qualification examples as :class:`ServedExample`), each answered
with an :class:`AnswerInput` (answer shapes: ``server/dispatch/answers.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from rapidata_nb.api.models._base import WireModel
from rapidata_nb.api.models.audience import QualificationFeedback

__all__ = [
    "AnswerAccepted",
    "AnswerInput",
    "ExampleGrade",
    "LabelerProfile",
    "LabelerSessionInput",
    "LabelerSessionOutput",
    "Membership",
    "ServedAsset",
    "ServedExample",
    "ServedFile",
    "ServedTask",
    "ServedText",
    "SessionAudience",
    "SessionStatus",
    "TaskFeed",
]


class LabelerSessionInput(WireModel):
    """Body of ``POST /labeler/session``: a new person's profile, or ``labelerId`` and ``resumeToken`` to
    resume."""

    labeler_id: str | None = None
    resume_token: str | None = Field(None, max_length=200)
    """The secret issued with the labeler's first session; resuming needs it."""
    name: str | None = Field(None, max_length=200)
    country: str = "US"
    language: str = "en"
    age: str = "18-29"
    gender: str = "Other"
    occupation: str = Field("Other", max_length=64)
    device: str = "Unknown"
    audience_id: str | None = None
    lease_seconds: float | None = Field(None, gt=0, le=3600)
    """Shorter task deadline for this session; defaults to (at most) the server's session deadline."""


class LabelerSessionOutput(WireModel):
    """Answer of ``POST /labeler/session``."""

    session_id: str
    labeler_id: str
    audience_id: str | None
    lease_seconds: float
    resume_token: str | None = None
    """Issued once, with a new labeler's first session: keep it to resume as this labeler later."""


class ServedText(WireModel):
    """A text asset as the labeling app shows it."""

    index: int
    """Its position in the datapoint (the side of a pair as stored, whatever side it is shown on)."""
    text: str


class ServedFile(WireModel):
    """A stored file as the labeling app shows it: where to fetch it, and the URL it came from."""

    index: int
    """Its position in the datapoint (the side of a pair as stored, whatever side it is shown on)."""
    file_name: str
    url: str
    source_url: str | None
    content_type: str | None


ServedAsset = ServedText | ServedFile


class ServedTask(WireModel):
    """One item of the feed: a leased job task (answer before ``expiresAt``)."""

    task_id: str
    lease_id: str | None
    job_id: str | None
    kind: str
    is_example: bool
    instruction: str
    context: str | None
    assets: list[ServedAsset]
    options: list[str]
    words: list[str]
    flags: dict[str, str]
    media_context: list[ServedAsset] = []
    expires_at: datetime | None


class ServedExample(ServedTask):
    """A qualification example of the audience the labeler is qualifying for (no lease, no deadline)."""

    audience_id: str


class TaskFeed(WireModel):
    """Answer of ``GET /labeler/session/{id}/tasks``."""

    items: list[ServedExample | ServedTask]


class AnswerInput(WireModel):
    """Body of ``POST /labeler/session/{id}/answers``."""

    task_id: str
    answer: dict[str, Any]


class AnswerAccepted(WireModel):
    """Answer of ``POST /labeler/session/{id}/answers`` for a job task: stored."""

    task_id: str
    is_example: bool = False
    response_id: str
    accepted: bool = True
    next: TaskFeed | None = None
    """The next items of the feed, served in the same transaction when the answer asked for them with
    ``?next=n`` (the shape ``GET /labeler/session/{id}/tasks`` answers); absent from the reply otherwise."""


class ExampleGrade(WireModel):
    """Answer of ``POST /labeler/session/{id}/answers`` for a qualification example: recorded, and told as
    much as the audience's ``feedback`` allows (``null`` where it tells nothing)."""

    task_id: str
    is_example: bool = True
    feedback: QualificationFeedback
    correct: bool | None
    """Whether this answer was right: ``immediate`` feedback only."""
    state: str | None
    """The labeler's state in the audience after this answer (``Distilling``, ``Graduated``, ``Dropped``);
    ``null`` with feedback ``none``."""
    explanation: str | None
    """The example's explanation, with ``immediate`` feedback only."""
    next: TaskFeed | None = None
    """The next items of the feed with ``?next=n``, as for :class:`AnswerAccepted`."""


class SessionAudience(WireModel):
    """The audience a session labels for."""

    id: str
    name: str
    kind: str


class LabelerProfile(WireModel):
    """The labeler's own profile."""

    name: str | None
    country: str
    language: str
    age: str
    gender: str
    occupation: str
    device: str


class Membership(WireModel):
    """The labeler's standing in one audience."""

    audience_id: str
    audience_name: str
    feedback: QualificationFeedback
    state: str | None
    """``null`` where the audience's feedback is ``none``."""
    user_score: float | None
    """The score in this audience, from the qualification answers: ``immediate`` feedback only."""
    answered: int
    correct: int | None
    """Examples answered right: ``immediate`` feedback only."""
    examples: int


class SessionStatus(WireModel):
    """Answer of ``GET /labeler/session/{id}``: the labeler's own progress (never other labelers')."""

    session_id: str
    labeler_id: str
    audience: SessionAudience | None
    profile: LabelerProfile
    lease_seconds: float
    answered_in_session: int
    answered: int
    global_score: float
    memberships: list[Membership]
