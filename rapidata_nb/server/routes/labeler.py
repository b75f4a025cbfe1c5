"""The task feed for people (the web labeling app, your team), on the same dispatch domain as the crowd.

1. ``POST /labeler/session`` with a profile (optionally ``labelerId`` to resume, ``audienceId`` to label for
   one audience, e.g. an unlisted link or a custom audience to qualify for) → ``{sessionId, labelerId}``.
2. ``GET /labeler/session/{id}/tasks?limit=n[&jobId=..]`` → qualification examples first, then leased tasks
   (of one job with ``jobId``), each answerable for the session's deadline (25 s unless it asked for less
   with ``leaseSeconds``).
3. ``POST /labeler/session/{id}/answers`` with ``{taskId, answer}`` (answer shapes:
   ``dispatch/answers.py``). Late, duplicate or unserved answers are rejected with 410/409 saying why.
   ``?next=n[&jobId=..]`` also serves the next ``n`` items (as step 2) in the same transaction and reply
   (``next``): one round trip per answer for a person, one request and one transaction for the server.
4. ``GET /labeler/session/{id}`` → the labeler's own profile, answer counts and scores (the web app's header).

The bodies are :mod:`rapidata_nb.api.models.labeler`: our own protocol, not part of the Rapidata API.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from rapidata_nb.api.models.labeler import (
    AnswerAccepted,
    AnswerInput,
    ExampleGrade,
    LabelerSessionInput,
    LabelerSessionOutput,
    SessionStatus,
    TaskFeed,
)
from rapidata_nb.server import dispatch
from rapidata_nb.server.deps import (
    NewLabelerLimitDep,
    SessionDep,
    SettingsDep,
    client_address,
    get_settings,
    in_transaction,
)
from rapidata_nb.server.errors import NotFoundError
from rapidata_nb.server.labeling import sessions
from rapidata_nb.server.store.labeling import LabelerSession

router = APIRouter(prefix="/labeler", tags=["labeler"])


def get_labeler_session(session_id: str, session: SessionDep) -> LabelerSession:
    """Load a labeler session (with its labeler, one statement) or answer 404."""
    row = sessions.load_session(session=session, session_id=session_id)
    if row is None:
        raise NotFoundError(f"Labeler session '{session_id}' not found; start one with POST /labeler/session")
    return row


LabelerSessionDep = Annotated[LabelerSession, Depends(get_labeler_session)]


def _json(model: BaseModel, exclude: set[str] | None = None) -> Response:
    """The body FastAPI would send for ``model`` (by alias), without validating it against the route's
    ``response_model`` again: the two hot routes build their replies from the models themselves."""
    return Response(model.model_dump_json(by_alias=True, exclude=exclude), media_type="application/json")


@router.post("/session")
def start_session(
    body: LabelerSessionInput,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    new_labelers: NewLabelerLimitDep,
) -> LabelerSessionOutput:
    """Start a labeling session (creating the human labeler, or resuming ``labelerId``); new labelers per
    client address are limited (429 with ``Retry-After``)."""
    if body.labeler_id is not None:
        return sessions.start_session(session=session, body=body, max_lease_seconds=settings.session_seconds)
    with new_labelers.creating(session, client_address(request)):
        return sessions.start_session(session=session, body=body, max_lease_seconds=settings.session_seconds)


@router.get("/session/{session_id}")
def session_status(ls: LabelerSessionDep, session: SessionDep) -> SessionStatus:
    """The labeler's own profile, progress and scores (never results or other labelers' answers)."""
    return sessions.session_status(session=session, labeler_session=ls)


# The feed's two hot routes run their session lookup, work and commit in one hop (deps.in_transaction).


@router.get("/session/{session_id}/tasks", response_model=TaskFeed)
async def next_tasks(
    session_id: str,
    request: Request,
    limit: int = Query(1, ge=1, le=50),
    job_id: str | None = Query(None, alias="jobId"),
) -> Response:
    """Serve the next items: qualification examples first, then leased tasks of running jobs (or of one)."""
    seed = get_settings(request).crowd_seed

    def serve(session: Session) -> TaskFeed:
        ls = get_labeler_session(session_id, session)
        return dispatch.serve_session(
            session=session, labeler_session=ls, limit=limit, job_id=job_id, seed=seed
        )

    return _json(await in_transaction(request, serve))


@router.post("/session/{session_id}/answers", response_model=AnswerAccepted | ExampleGrade)
async def submit_answer(
    session_id: str,
    request: Request,
    body: Annotated[AnswerInput, Body()],
    next_items: int = Query(0, ge=0, le=50, alias="next"),
    job_id: str | None = Query(None, alias="jobId"),
) -> Response:
    """Submit one answer to a served task or qualification example; with ``next=n``, also serve the next
    ``n`` items of the feed (of one job with ``jobId``) in the same transaction."""
    seed = get_settings(request).crowd_seed

    def answer(session: Session) -> AnswerAccepted | ExampleGrade:
        return dispatch.answer_in_session(
            session=session,
            labeler_session=get_labeler_session(session_id, session),
            task_id=body.task_id,
            answer=body.answer,
            seed=seed,
            next_items=next_items,
            job_id=job_id,
        )

    return _json(await in_transaction(request, answer), exclude=None if next_items else {"next"})
