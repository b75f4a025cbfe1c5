"""Flows: create and configure ranking flows, list, read and delete any flow; flow items (of either type)
with their state, and a ranking item's results and vote matrix. Classify flows: ``routes/simple_flow.py``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from rapidata_nb.api.models import PagedResult
from rapidata_nb.api.models.flow import (
    CreateFlowInput,
    CreateFlowItemInput,
    CreateFlowItemOutput,
    CreateFlowOutput,
    FlowItemOutput,
    FlowOutput,
    FlowSummaryOutput,
    RankingFlowItemResults,
    RankingResultDatapoint,
    SimpleFlowOutput,
    UpdateFlowConfigInput,
    VoteMatrixOutput,
)
from rapidata_nb.server.deps import CurrentUser, SessionDep
from rapidata_nb.server.loaders import FlowDep, FlowItemDep
from rapidata_nb.server.paging import PageDep
from rapidata_nb.server.programs import flows as store
from rapidata_nb.server.store.auth import owner_mail
from rapidata_nb.server.store.programs import Flow, FlowItem, from_ms

router = APIRouter(tags=["flow"])


def _flow_out(session: Session, flow: Flow) -> FlowOutput | SimpleFlowOutput:
    c = flow.config
    common: dict[str, Any] = {
        "id": flow.id,
        "name": flow.name,
        "campaign_id": f"cmp_{flow.id}",
        "flow_item_count": flow.item_count,
        "min_responses": c["minResponses"],
        "max_responses": c["maxResponses"],
        "audience_id": c.get("audienceId"),
        "serve_timeout_seconds": c.get("serveTimeoutSeconds"),
        "drain_duration_seconds": c.get("drainDurationSeconds"),
        "feature_flags": c.get("featureFlags") or [],
        "owner_id": flow.owner_id,
        "owner_mail": owner_mail(session=session, owner_id=flow.owner_id),
        "organization_id": flow.owner_id,
        "created_at": flow.created_at,
    }
    if store.flow_type(flow) == "Simple":
        return SimpleFlowOutput(blueprint=c["blueprint"], **common)
    return FlowOutput(criteria=c["criteria"], starting_elo=c["startingElo"], **common)


def _item_out(session: Session, item: FlowItem) -> FlowItemOutput:
    store.refresh_item(session=session, item=item)
    return FlowItemOutput(
        id=item.id,
        flow_id=item.flow_id,
        dataset_id=item.dataset_id,
        workflow_id=item.definition_id,
        job_id=item.job_id,
        state=item.state,
        context=item.context,
        failure_message=item.failure_message,
        response_count=store.response_count(session=session, item=item),
        expires_at=from_ms(item.expires_ms),
        created_at=item.created_at,
        started_at=item.started_at,
        completed_at=item.completed_at,
        failed_at=item.failed_at,
    )


@router.post("/flow/ranking")
def create_ranking_flow(body: CreateFlowInput, session: SessionDep, user: CurrentUser) -> CreateFlowOutput:
    """Create a ranking flow (starting Elo 1200, 100 responses per item unless configured)."""
    return CreateFlowOutput(
        flow_id=store.create_flow(session=session, owner_id=user.customer_id, body=body).id
    )


@router.patch("/flow/ranking/{flow_id}", status_code=204)
def update_ranking_flow(body: UpdateFlowConfigInput, flow: FlowDep) -> Response:
    """Update the configuration used by items created from now on."""
    store.update_config(flow=flow, body=body)
    return Response(status_code=204)


@router.get("/flow")
def find_flows(
    session: SessionDep,
    user: CurrentUser,
    page: PageDep,
    name_contains: Annotated[str | None, Query(alias="name[contains]")] = None,
    sort: Annotated[list[str] | None, Query()] = None,
) -> PagedResult[FlowSummaryOutput]:
    """The caller's flows, newest first."""
    stmt = select(Flow).where(Flow.owner_id == user.customer_id, Flow.deleted.is_(False))
    if name_contains:
        stmt = stmt.where(Flow.name.contains(name_contains, autoescape=True))
    total, rows = page.select(
        session=session,
        stmt=stmt,
        columns={"created_at": Flow.created_at, "name": Flow.name},
        sort=sort,
        default="-created_at",
    )
    mail = owner_mail(session=session, owner_id=user.customer_id)
    items = [
        FlowSummaryOutput(
            id=f.id,
            name=f.name,
            type=store.flow_type(f),
            owner_id=f.owner_id,
            owner_mail=mail,
            organization_id=f.owner_id,
            created_at=f.created_at,
        )
        for f in rows
    ]
    return page.result(items, total=total)


@router.get("/flow/{flow_id}")
def get_flow(flow: FlowDep, session: SessionDep) -> FlowOutput | SimpleFlowOutput:
    """A flow with its current configuration."""
    return _flow_out(session, flow)


@router.delete("/flow/{flow_id}", status_code=204)
def delete_flow(flow: FlowDep, session: SessionDep) -> Response:
    """Delete a flow; running items stop (``Stopped``) and keep their responses."""
    store.delete_flow(session=session, flow=flow)
    return Response(status_code=204)


@router.post("/flow/ranking/{flow_id}/item")
def create_flow_item(body: CreateFlowItemInput, flow: FlowDep, session: SessionDep) -> CreateFlowItemOutput:
    """Rank a dataset as a new item of the flow (TTL 10..3600 s, 240 s by default)."""
    return CreateFlowItemOutput(flow_item_id=store.create_item(session=session, flow=flow, body=body).id)


@router.get("/flow/ranking/{flow_id}/item")
def list_flow_items(
    flow: FlowDep,
    session: SessionDep,
    page: PageDep,
    sort: Annotated[list[str] | None, Query()] = None,
) -> PagedResult[FlowItemOutput]:
    """The flow's items, newest first."""
    total, rows = page.select(
        session=session,
        stmt=select(FlowItem).where(FlowItem.flow_id == flow.id),
        columns={"created_at": FlowItem.created_at, "state": FlowItem.state},
        sort=sort,
        default="-created_at",
    )
    return page.result([_item_out(session, i) for i in rows], total=total)


@router.get("/flow/ranking/item/{item_id}")
def get_flow_item(item: FlowItemDep, session: SessionDep) -> FlowItemOutput:
    """An item's state (Pending, Running, Completed, Failed, Stopped or Incomplete)."""
    return _item_out(session, item)


@router.get("/flow/ranking/item/{item_id}/results")
def get_flow_item_results(item: FlowItemDep, session: SessionDep) -> RankingFlowItemResults:
    """Bradley–Terry scores (Elo-like scale) of the item's datapoints, best first, and the vote count."""
    r = store.ranking(session=session, item=item)
    order = sorted(range(len(r.scores)), key=lambda i: -r.scores[i])
    return RankingFlowItemResults(
        datapoints=[
            RankingResultDatapoint(id=r.datapoint_ids[i], asset=r.assets[i], elo=r.scores[i]) for i in order
        ],
        total_votes=r.total_votes,
    )


@router.get("/flow/ranking/item/{item_id}/vote-matrix")
def get_flow_item_vote_matrix(item: FlowItemDep, session: SessionDep) -> VoteMatrixOutput:
    """Wins of each datapoint (row) over each other (column), keyed like the results."""
    r = store.ranking(session=session, item=item)
    return VoteMatrixOutput(index=r.keys, columns=r.keys, data=r.wins.astype(float).tolist())


@router.post("/campaign/boost/preheat", status_code=204)
def preheat(user: CurrentUser) -> Response:
    """Accepted for compatibility: the local crowd is always warm."""
    return Response(status_code=204)
