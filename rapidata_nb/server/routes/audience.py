"""Audiences: custom, filtered and unlisted audiences, qualification examples, recruiting, user metrics.

Statuses (wire notes §6): a new custom audience is ``Created``; recruiting (``POST /audience/{id}/recruit`` or
a job assigned to an audience with examples) makes it ``Recruiting`` while candidates distill and ``Ready``
once someone graduated (or everyone was judged). Seeded audiences (``global``, curated) are ``Ready`` and
read-only.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session

from rapidata_nb.api.models import (
    AddExampleInput,
    AddExampleOutput,
    AudienceOutput,
    CreateAudienceInput,
    CreateAudienceOutput,
    CreateUnlistedAudienceInput,
    FilterAudienceInput,
    PagedResult,
    RecruitOutput,
    UpdateAudienceInput,
    UserMetrics,
)
from rapidata_nb.server import scheduler
from rapidata_nb.server.crowd.examples import stored_asset, validate_example
from rapidata_nb.server.crowd.filters import filter_problem
from rapidata_nb.server.deps import CurrentUser, SessionDep, SettingsDep
from rapidata_nb.server.errors import BadRequestError, ForbiddenError
from rapidata_nb.server.loaders import AudienceDep, ExampleDep, UnlistedAudienceDep
from rapidata_nb.server.paging import PageDep
from rapidata_nb.server.store import audiences as audience_store
from rapidata_nb.server.store.audiences import PUBLIC_KINDS
from rapidata_nb.server.store.labeling import Audience

router = APIRouter(tags=["audience"])

# Seeded audiences belong to nobody; the SDK validates ownerId as a UUID, so they report a fixed one.
_SEED_OWNER = "00000000-0000-0000-0000-000000000000"


def _owned(audience: Audience, user: CurrentUser, *, action: str) -> None:
    if audience.owner_id != user.customer_id:
        raise ForbiddenError(f"Audience '{audience.id}' is a seeded audience; you cannot {action} it")


def _custom(audience: Audience, *, action: str) -> None:
    if audience.kind == "filtered":
        raise BadRequestError(
            f"Audience '{audience.id}' is a filtered view of '{audience.base_audience_id}'; "
            f"{action} on the base audience instead"
        )
    if audience.kind != "custom":
        raise BadRequestError(
            f"Audience '{audience.id}' is a {audience.kind} audience; only custom audiences "
            f"support this ({action})"
        )


def _check_filters(filters: list[dict[str, Any]], where: str = "filters") -> None:
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
        scheduler.refresh_status(session=session, audience=base)
    metrics = scheduler.user_metrics(session, audience)  # a filtered view counts its own members
    owner_mail = audience_store.owner_email(session=session, owner_id=audience.owner_id)
    rule = scheduler.graduation_rule(base)
    filters = list(base.filters or []) if audience.kind == "filtered" else list(audience.filters or [])
    view_filter = None
    if audience.kind == "filtered":
        own = list(audience.filters or [])
        view_filter = own[0] if len(own) == 1 else {"_t": "AndFilter", "filters": own}
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
            "graduationRule": {"_t": "TaskAccuracy", **rule},
            "graduated": metrics["Graduated"],
            "dropped": metrics["Dropped"],
        }
    )


# --- unlisted (registered first: literal paths before /audience/{id}) ---------------------------------------


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


def _unlisted_json(session: Session, audience: Audience) -> dict[str, Any]:
    return {
        "id": audience.id,
        "name": audience.name,
        "createdAt": audience.created_at.isoformat(),
        "ownerId": audience.owner_id,
        "ownerMail": audience_store.owner_email(session=session, owner_id=audience.owner_id) or "",
        "organizationId": audience.owner_id,
    }


@router.get("/audience/unlisted/{audience_id}")
def get_unlisted(audience: UnlistedAudienceDep, session: SessionDep) -> dict[str, Any]:
    """Read an unlisted audience."""
    return _unlisted_json(session, audience)


@router.get("/audience/unlisted")
def list_unlisted(session: SessionDep, user: CurrentUser, page: PageDep) -> PagedResult[dict[str, Any]]:
    """A page of the caller's unlisted audiences."""
    total, rows = audience_store.list_unlisted(
        session=session, owner_id=user.customer_id, page=page.number, page_size=page.size
    )
    return page.result([_unlisted_json(session, r) for r in rows], total=total)


# --- audiences ----------------------------------------------------------------------------------------------


@router.post("/audience")
def create_audience(
    body: CreateAudienceInput, session: SessionDep, user: CurrentUser
) -> CreateAudienceOutput:
    """Create a custom audience (``Created`` until it recruits)."""
    filters = [f.wire() for f in body.filters or []]
    _check_filters(filters)
    if not body.name.strip():
        raise BadRequestError("name: give the audience a non-empty name")
    audience = audience_store.create_custom(
        session=session,
        owner_id=user.customer_id,
        name=body.name.strip(),
        filters=filters,
        graduation_rule=_rule(body.graduation_rule),
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
    """Rename an audience or replace its filters / graduation rule."""
    _owned(audience, user, action="update")
    fields = body.model_fields_set
    if "filters" in fields or "graduation_rule" in fields:
        _custom(audience, action="update filters and graduation rule")
    if body.name is not None and not body.name.strip():
        raise BadRequestError("name: give the audience a non-empty name")
    filters = [f.wire() for f in body.filters] if body.filters is not None else None
    if filters is not None:
        _check_filters(filters)
    audience_store.update_audience(
        audience=audience,
        name=body.name.strip() if body.name is not None else None,
        filters=filters,
        graduation_rule=_rule(body.graduation_rule),
    )
    if ("filters" in fields or "graduation_rule" in fields) and audience.recruiting_started_at is not None:
        scheduler.reset_recruiting(session=session, audience=audience, seed=settings.crowd_seed)
    return _output(session, audience)


@router.delete("/audience/{audience_id}")
def delete_audience(audience: AudienceDep, user: CurrentUser) -> dict[str, Any]:
    """Delete an audience (its jobs stop being served)."""
    _owned(audience, user, action="delete")
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
    f = body.filter.wire()
    if (problem := filter_problem(f, "filter")) is not None:
        raise BadRequestError(problem)
    view = audience_store.create_filtered_view(
        session=session, base=audience, owner_id=user.customer_id, audience_filter=f
    )
    return CreateAudienceOutput(audience_id=view.id)


@router.post("/audience/{audience_id}/recruit")
def recruit(
    audience: AudienceDep, session: SessionDep, user: CurrentUser, settings: SettingsDep, request: Request
) -> RecruitOutput:
    """Start recruiting: candidates take the qualification examples (nothing happens without examples)."""
    _owned(audience, user, action="recruit for")
    _custom(audience, action="recruit")
    scheduler.start_recruiting(session=session, audience=audience, seed=settings.crowd_seed)
    _wake(request)
    return RecruitOutput(
        audience_id=audience.id, status=scheduler.refresh_status(session=session, audience=audience)
    )


@router.get("/audience/{audience_id}/user-metrics")
def user_metrics(audience: AudienceDep, session: SessionDep) -> UserMetrics:
    """How many of the audience's labelers are graduated, distilling, dropped and inactive."""
    metrics = scheduler.user_metrics(session, audience)
    capacity = "Sufficient" if metrics["Graduated"] >= 20 else "Low" if metrics["Graduated"] else "None"
    return UserMetrics(users_per_state=metrics, capacity=capacity)


@router.post("/audience/{audience_id}/example")
def add_example(
    body: AddExampleInput,
    audience: AudienceDep,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    request: Request,
) -> AddExampleOutput:
    """Add a qualification example with its truth (validated; nothing is stored on error)."""
    _owned(audience, user, action="add examples to")
    _custom(audience, action="add examples")
    valid = validate_example(session=session, body=body)
    example = audience_store.add_example(
        session=session,
        audience_id=audience.id,
        kind=valid.kind,
        payload=valid.payload,
        truth=valid.truth,
        asset=valid.asset,
        context=body.context,
        context_asset=valid.context_asset,
        explanation=body.explanation,
        feature_flags=[f.wire() for f in body.feature_flags or []],
        random_correct_probability=valid.random_correct_probability,
        content_key=valid.content_key,
        sort_index=body.sort_index,
    )
    if audience.recruiting_started_at is not None:
        scheduler.reset_recruiting(session=session, audience=audience, seed=settings.crowd_seed)
        _wake(request)
    return AddExampleOutput(example_id=example.id)


@router.get("/audience/{audience_id}/examples")
def list_examples(audience: AudienceDep, session: SessionDep, page: PageDep) -> PagedResult[dict[str, Any]]:
    """A page of the audience's qualification examples with their answer counts."""
    examples = scheduler.examples_of(session, audience.id)
    shown = page.slice(examples)
    counts = audience_store.answer_counts(session=session, example_ids=[ex.id for ex in shown])
    items = []
    for ex in shown:
        correct, incorrect = counts[ex.id]
        items.append(
            {
                "id": ex.id,
                "asset": stored_asset(session, ex.asset),
                "payload": ex.payload,
                "correctCount": correct,
                "incorrectCount": incorrect,
                "truth": ex.truth,
                "context": ex.context,
                "contextAsset": stored_asset(session, ex.context_asset),
                "explanation": ex.explanation,
                "randomCorrectProbability": ex.random_correct_probability,
                "sortIndex": ex.sort_index,
            }
        )
    return page.result(items, total=len(examples))


@router.delete("/audience/example/{example_id}")
def delete_example(
    found: ExampleDep, session: SessionDep, settings: SettingsDep, request: Request
) -> dict[str, Any]:
    """Delete a qualification example (candidates re-qualify on the remaining ones)."""
    example, audience = found
    audience_store.delete_example(session=session, example=example)
    if audience.recruiting_started_at is not None:
        scheduler.reset_recruiting(session=session, audience=audience, seed=settings.crowd_seed)
        _wake(request)
    return {"recalculationId": None}


def _wake(request: Request) -> None:
    crowd = getattr(request.app.state, "crowd", None)
    if crowd is not None:
        crowd.wake()
