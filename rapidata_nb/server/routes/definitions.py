"""Job definitions and their revisions (``/job/definition...``, ``/job/definitions``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from rapidata_nb.api.models import (
    CostEstimate,
    CreateDefinitionInput,
    CreateDefinitionOutput,
    DefinitionListItem,
    DefinitionOutput,
    PagedResult,
    RevisionListItem,
    RevisionOutput,
    SaveRevisionInput,
    SaveRevisionOutput,
)
from rapidata_nb.server.deps import CurrentUser, SessionDep
from rapidata_nb.server.loaders import DefinitionDep
from rapidata_nb.server.paging import Page, PageDep, page_query
from rapidata_nb.server.store import definitions as store
from rapidata_nb.server.store.auth import owner_mail
from rapidata_nb.server.store.models import DefinitionRevision, JobDefinition
from rapidata_nb.server.validation import require_usable_set

router = APIRouter(tags=["job-definition"])

COST_PER_RESPONSE = 0.0
"""Local labeling is free; the estimate still reports how many responses a run needs."""


def _definition_out(session: SessionDep, d: JobDefinition) -> DefinitionOutput:
    return DefinitionOutput(
        definition_id=d.id,
        name=d.name,
        definition_type=d.definition_type,
        created_at=d.created_at,
        owner_id=d.owner_id,
        owner_mail=owner_mail(session=session, owner_id=d.owner_id),
        organization_id=d.owner_id,
        revision_count=d.latest_revision,
        latest_revision_number=d.latest_revision,
    )


def _revision_out(session: SessionDep, d: JobDefinition, r: DefinitionRevision) -> RevisionOutput:
    return RevisionOutput.model_validate(
        {
            "definitionId": d.id,
            "revisionNumber": r.revision_number,
            "state": r.state,
            "pipelineId": r.pipeline_id,
            "datasetId": r.dataset_id,
            "aggregatorType": r.aggregator_type,
            "workflow": r.workflow,
            "referee": r.referee,
            "featureFlags": r.rapid_feature_flags,
            "campaignFeatureFlags": r.campaign_feature_flags,
            "validationSetId": r.validation_set_id,
            "baseRevisionNumber": r.base_revision_number,
            "createdAt": r.created_at,
            "createdById": d.owner_id,
            "createdByMail": owner_mail(session=session, owner_id=d.owner_id),
        }
    )


def _check_validation_set(
    session: SessionDep, definition: JobDefinition, revision: DefinitionRevision
) -> None:
    """A revision may name only a validation set of the owner that holds tasks of its type (the request's
    transaction is rolled back when it does not)."""
    require_usable_set(
        session=session,
        validation_set_id=revision.validation_set_id,
        owner_id=definition.owner_id,
        kind=store.task_kind(revision.workflow),
    )


@router.post("/job/definition")
def create_definition(
    body: CreateDefinitionInput, session: SessionDep, user: CurrentUser
) -> CreateDefinitionOutput:
    """Create a job definition (revision 1) on an existing dataset."""
    definition, revision = store.create_definition(session=session, owner_id=user.customer_id, body=body)
    _check_validation_set(session, definition, revision)
    return CreateDefinitionOutput(definition_id=definition.id, pipeline_id=revision.pipeline_id)


@router.get("/job/definitions")
def list_definitions(
    session: SessionDep,
    user: CurrentUser,
    page: PageDep,
    name_contains: Annotated[str | None, Query(alias="name[contains]")] = None,
    sort: Annotated[list[str] | None, Query()] = None,
) -> PagedResult[DefinitionListItem]:
    """The caller's definitions, newest first, filtered by ``name[contains]``."""
    total, rows = store.list_definitions(
        session=session,
        owner_id=user.customer_id,
        name_contains=name_contains,
        sort=sort or [],
        page=page.number,
        page_size=page.size,
    )
    items = [
        DefinitionListItem(
            definition_id=d.id,
            name=d.name,
            definition_type=d.definition_type,
            created_at=d.created_at,
            revision_count=d.latest_revision,
            owner_id=d.owner_id,
            owner_mail=owner_mail(session=session, owner_id=d.owner_id),
            organization_id=d.owner_id,
        )
        for d in rows
    ]
    return page.result(items, total=total)


@router.get("/job/definition/{definition_id}")
def get_definition(definition: DefinitionDep, session: SessionDep) -> DefinitionOutput:
    """A job definition's name and type."""
    return _definition_out(session, definition)


@router.delete("/job/definition/{definition_id}", status_code=204)
def delete_definition(definition: DefinitionDep) -> Response:
    """Delete a job definition (its jobs keep running)."""
    definition.deleted = True
    return Response(status_code=204)


@router.get("/job/definition/{definition_id}/revision")
def get_latest_revision(definition: DefinitionDep, session: SessionDep) -> RevisionOutput:
    """The latest revision snapshot."""
    return _revision_out(session, definition, store.get_revision(session=session, definition=definition))


@router.get("/job/definition/{definition_id}/revision/{revision_number}")
def get_revision(revision_number: int, definition: DefinitionDep, session: SessionDep) -> RevisionOutput:
    """One revision snapshot."""
    revision = store.get_revision(session=session, definition=definition, number=revision_number)
    return _revision_out(session, definition, revision)


@router.post("/job/definition/{definition_id}/revision")
def save_revision(
    body: SaveRevisionInput, definition: DefinitionDep, session: SessionDep
) -> SaveRevisionOutput:
    """Save a new revision (409 with ``latestRevisionNumber`` if ``requireLatest`` and the base is stale)."""
    revision = store.save_revision(session=session, definition=definition, body=body)
    _check_validation_set(session, definition, revision)
    return SaveRevisionOutput(revision_number=revision.revision_number, pipeline_id=revision.pipeline_id)


@router.get("/job/definition/{definition_id}/revisions")
def list_revisions(
    definition: DefinitionDep,
    session: SessionDep,
    page: Annotated[Page, Depends(page_query(100))],
    sort: Annotated[list[str] | None, Query()] = None,
) -> PagedResult[RevisionListItem]:
    """Every revision, oldest first (``sort=-revision_number`` for newest first)."""
    descending = bool(sort) and sort[0] == "-revision_number"  # type: ignore[index]
    rows = store.list_revisions(session=session, definition_id=definition.id, descending=descending)
    items = [
        RevisionListItem(
            definition_id=definition.id,
            revision_number=r.revision_number,
            base_revision_number=r.base_revision_number,
            created_at=r.created_at,
            state=r.state,
        )
        for r in page.slice(rows)
    ]
    return page.result(items, total=len(rows))


@router.get("/job/definition/{definition_id}/cost-estimate")
def cost_estimate(definition: DefinitionDep, session: SessionDep) -> CostEstimate:
    """How many responses the latest revision needs (and what they cost: nothing, locally)."""
    revision = store.get_revision(session=session, definition=definition)
    count, required = store.required_responses(session=session, revision=revision)
    return CostEstimate(
        estimated_cost=required * COST_PER_RESPONSE,
        cost_per_response=COST_PER_RESPONSE,
        datapoint_count=count,
        required_responses=required,
    )
