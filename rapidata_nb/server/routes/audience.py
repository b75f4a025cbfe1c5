"""Audiences: custom audiences and filtered views of them, recruiting, user metrics.

Statuses (wire notes §6): a new custom audience is ``Created``; recruiting (``POST /audience/{id}/recruit`` or
a job assigned to an audience with examples) makes it ``Recruiting`` while candidates distill and ``Ready``
once someone graduated (or everyone was judged). Seeded audiences (``global``, curated) are ``Ready`` and
read-only. Qualification examples and unlisted audiences have their own routers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from rapidata_nb.api.models import (
    AndFilter,
    AudienceFilter,
    AudienceOutput,
    CreateAudienceInput,
    CreateAudienceOutput,
    FilterAudienceInput,
    PagedResult,
    RecruitOutput,
    TaskAccuracy,
    UpdateAudienceInput,
    UserMetrics,
)
from rapidata_nb.server.deps import CurrentUser, SessionDep, SettingsDep, WakeCrowd, read_only
from rapidata_nb.server.errors import BadRequestError
from rapidata_nb.server.labeling import qualification
from rapidata_nb.server.labeling.filters import filter_problem
from rapidata_nb.server.loaders import AudienceDep
from rapidata_nb.server.paging import PageDep
from rapidata_nb.server.store import audiences as audience_store
from rapidata_nb.server.store.audiences import PUBLIC_KINDS
from rapidata_nb.server.store.labeling import Audience

router = APIRouter(tags=["audience"])

# Seeded audiences belong to nobody; the SDK validates ownerId as a UUID, so they report a fixed one.
_SEED_OWNER = "00000000-0000-0000-0000-000000000000"


def _check_filters(filters: Sequence[AudienceFilter], where: str = "filters") -> None:
    for i, f in enumerate(filters):
        if (problem := filter_problem(f, f"{where}[{i}]")) is not None:
            raise BadRequestError(problem)


def _rule(body_rule: Any) -> dict[str, Any] | None:
    if body_rule is None:
        return None
    rule = body_rule.wire()
    if rule.get("maxTasks") is not None and int(rule["maxTasks"]) < int(rule["minTasks"]):
        raise BadRequestError(
            f"graduationRule.maxTasks ({rule['maxTasks']}) must be >= minTasks ({rule['minTasks']})"
        )
    return dict(rule)


def _output(session: Session, audience: Audience) -> AudienceOutput:
    base = audience_store.live_base(session=session, audience=audience) or audience  # base gone: itself
    if base.kind == "custom":
        qualification.refresh_status(session=session, audience=base)
    metrics = qualification.user_metrics(session, audience)  # a filtered view counts its own members
    owner_mail = audience_store.owner_email(session=session, owner_id=audience.owner_id)
    rule = qualification.graduation_rule(base)
    filters = list(base.filters or []) if audience.kind == "filtered" else list(audience.filters or [])
    view_filter = None
    if audience.kind == "filtered":
        own = list(audience.filters or [])
        view_filter = own[0] if len(own) == 1 else AndFilter.model_validate({"filters": own})
    return AudienceOutput.model_validate(
        {
            "id": audience.id,
            "baseAudienceId": base.id,
            "filter": view_filter,
            "name": audience.name,
            "status": base.status,
            "qualifiedUserCount": metrics["Graduated"],
            "filters": filters,
            "createdAt": audience.created_at,
            "ownerId": audience.owner_id or _SEED_OWNER,
            "ownerMail": owner_mail if owner_mail is not None else "crowd@rapidata.local",
            "organizationId": audience.owner_id or _SEED_OWNER,
            "isPublic": audience.kind in PUBLIC_KINDS or audience.is_public,
            "isDistilling": base.status == "Recruiting",
            "graduationRule": TaskAccuracy.model_validate(rule),
            "qualificationFeedback": qualification.feedback_mode(base),
            "graduated": metrics["Graduated"],
            "dropped": metrics["Dropped"],
        }
    )


@router.post("/audience")
def create_audience(
    body: CreateAudienceInput, session: SessionDep, user: CurrentUser
) -> CreateAudienceOutput:
    """Create a custom audience (``Created`` until it recruits)."""
    _check_filters(body.filters or [])
    filters = [f.wire() for f in body.filters or []]
    if not body.name.strip():
        raise BadRequestError("name: give the audience a non-empty name")
    audience = audience_store.create_custom(
        session=session,
        owner_id=user.customer_id,
        name=body.name.strip(),
        filters=filters,
        graduation_rule=_rule(body.graduation_rule),
        qualification_feedback=body.qualification_feedback,
    )
    return CreateAudienceOutput(audience_id=audience.id)


@router.get("/audiences")
def find_audiences(
    session: SessionDep,
    user: CurrentUser,
    page: PageDep,
    name_contains: Annotated[str | None, Query(alias="name[contains]")] = None,
    name: Annotated[str | None, Query()] = None,
    sort: Annotated[list[str] | None, Query()] = None,
) -> PagedResult[AudienceOutput]:
    """A page of the audiences the caller can use (``name[contains]``, ``sort=-created_at``)."""
    total, rows = audience_store.find_audiences(
        session=session,
        owner_id=user.customer_id,
        name=name_contains or name or "",
        sort=sort or ["-created_at"],
        page=page.number,
        page_size=page.size,
    )
    return page.result([_output(session, a) for a in rows], total=total)


@router.get("/audience/{audience_id}")
def read_audience(audience: AudienceDep, session: SessionDep) -> AudienceOutput:
    """Read an audience with its status and counts."""
    return _output(session, audience)


@router.patch("/audience/{audience_id}")
def update_audience(
    body: UpdateAudienceInput,
    audience: AudienceDep,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
) -> AudienceOutput:
    """Rename an audience or replace its filters, graduation rule or qualification feedback."""
    audience_store.require_owner(audience, owner_id=user.customer_id, action="update")
    fields = body.model_fields_set
    if fields & {"filters", "graduation_rule", "qualification_feedback"}:
        audience_store.require_custom(audience, action="update filters, graduation rule and feedback")
    if body.name is not None and not body.name.strip():
        raise BadRequestError("name: give the audience a non-empty name")
    if body.filters is not None:
        _check_filters(body.filters)
    filters = [f.wire() for f in body.filters] if body.filters is not None else None
    audience_store.update_audience(
        audience=audience,
        name=body.name.strip() if body.name is not None else None,
        filters=filters,
        graduation_rule=_rule(body.graduation_rule),
        qualification_feedback=body.qualification_feedback,
    )
    if ("filters" in fields or "graduation_rule" in fields) and audience.recruiting_started_at is not None:
        qualification.reset_recruiting(session=session, audience=audience, seed=settings.crowd_seed)
    return _output(session, audience)


@router.delete("/audience/{audience_id}")
def delete_audience(audience: AudienceDep, user: CurrentUser) -> dict[str, Any]:
    """Delete an audience (its jobs stop being served)."""
    audience_store.require_owner(audience, owner_id=user.customer_id, action="delete")
    audience_store.delete_audience(audience=audience)
    return {}


@router.post("/audience/{audience_id}/filter")
def filter_audience(
    body: FilterAudienceInput, audience: AudienceDep, session: SessionDep, user: CurrentUser
) -> CreateAudienceOutput:
    """Derive a filtered view of an audience's graduated pool (no new recruiting)."""
    if audience.kind == "filtered":
        raise BadRequestError(
            f"Audience '{audience.id}' is already a filtered audience; filter its base audience "
            f"'{audience.base_audience_id}' with one combined filter instead"
        )
    if (problem := filter_problem(body.filter, "filter")) is not None:
        raise BadRequestError(problem)
    f = body.filter.wire()
    view = audience_store.create_filtered_view(
        session=session, base=audience, owner_id=user.customer_id, audience_filter=f
    )
    return CreateAudienceOutput(audience_id=view.id)


@router.post("/audience/{audience_id}/recruit")
def recruit(
    audience: AudienceDep, session: SessionDep, user: CurrentUser, settings: SettingsDep, wake: WakeCrowd
) -> RecruitOutput:
    """Start recruiting: candidates take the qualification examples (nothing happens without examples)."""
    audience_store.require_owner(audience, owner_id=user.customer_id, action="recruit for")
    audience_store.require_custom(audience, action="recruit")
    qualification.start_recruiting(session=session, audience=audience, seed=settings.crowd_seed)
    wake()
    return RecruitOutput(
        audience_id=audience.id, status=qualification.refresh_status(session=session, audience=audience)
    )


@router.get("/audience/{audience_id}/user-metrics")
@read_only
def user_metrics(audience: AudienceDep, session: SessionDep) -> UserMetrics:
    """How many of the audience's labelers are graduated, distilling, dropped and inactive."""
    metrics = qualification.user_metrics(session, audience)
    capacity = "Sufficient" if metrics["Graduated"] >= 20 else "Low" if metrics["Graduated"] else "None"
    return UserMetrics(users_per_state=metrics, capacity=capacity)
