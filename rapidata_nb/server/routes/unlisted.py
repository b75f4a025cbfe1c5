"""Unlisted audiences: only the people you share an unlisted audience's link with label its jobs."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session

from rapidata_nb.api.models import (
    CreateAudienceOutput,
    CreateUnlistedAudienceInput,
    PagedResult,
    UnlistedAudienceOutput,
)
from rapidata_nb.server.deps import CurrentUser, SessionDep
from rapidata_nb.server.errors import BadRequestError
from rapidata_nb.server.loaders import UnlistedAudienceDep
from rapidata_nb.server.paging import PageDep
from rapidata_nb.server.store import audiences as audience_store
from rapidata_nb.server.store.labeling import Audience

router = APIRouter(tags=["audience"])


def _unlisted_output(session: Session, audience: Audience) -> UnlistedAudienceOutput:
    return UnlistedAudienceOutput(
        id=audience.id,
        name=audience.name,
        created_at=audience.created_at,
        owner_id=audience.owner_id,
        owner_mail=audience_store.owner_email(session=session, owner_id=audience.owner_id) or "",
        organization_id=audience.owner_id,
    )


@router.post("/audience/unlisted")
def create_unlisted(
    body: CreateUnlistedAudienceInput, session: SessionDep, user: CurrentUser
) -> CreateAudienceOutput:
    """Create an unlisted audience: only people you share its link with label its jobs."""
    if not body.name.strip():
        raise BadRequestError("name: give the unlisted audience a non-empty name")
    audience = audience_store.create_unlisted(
        session=session, owner_id=user.customer_id, name=body.name.strip()
    )
    return CreateAudienceOutput(audience_id=audience.id)


@router.get("/audience/unlisted/{audience_id}")
def get_unlisted(audience: UnlistedAudienceDep, session: SessionDep) -> UnlistedAudienceOutput:
    """Read an unlisted audience."""
    return _unlisted_output(session, audience)


@router.get("/audience/unlisted")
def list_unlisted(
    session: SessionDep, user: CurrentUser, page: PageDep
) -> PagedResult[UnlistedAudienceOutput]:
    """A page of the caller's unlisted audiences."""
    total, rows = audience_store.list_unlisted(
        session=session, owner_id=user.customer_id, page=page.number, page_size=page.size
    )
    return page.result([_unlisted_output(session, r) for r in rows], total=total)
