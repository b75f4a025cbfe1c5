"""Classify flows (the wire's "simple" flows): create and configure them, add items, read an item's results.

Listing, reading and deleting flows, and an item's state, go through the shared routes of ``routes/flow.py``.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from rapidata_nb.api.models.flow import (
    CategoryCount,
    ClassifyFlowItemResults,
    ClassifyResultDatapoint,
    CreateFlowItemInput,
    CreateFlowItemOutput,
    CreateFlowOutput,
    CreateSimpleFlowInput,
    UpdateSimpleFlowConfigInput,
)
from rapidata_nb.server.deps import CurrentUser, SessionDep
from rapidata_nb.server.errors import BadRequestError
from rapidata_nb.server.loaders import FlowDep, FlowItemDep
from rapidata_nb.server.programs import flows as store

router = APIRouter(tags=["flow"])


@router.post("/flow/simple")
def create_simple_flow(
    body: CreateSimpleFlowInput, session: SessionDep, user: CurrentUser
) -> CreateFlowOutput:
    """Create a classify flow: 2 to 8 categories, ``maxResponses`` votes per datapoint of each item."""
    flow = store.create_simple_flow(session=session, owner_id=user.customer_id, body=body)
    return CreateFlowOutput(flow_id=flow.id)


@router.patch("/flow/simple/{flow_id}", status_code=204)
def update_simple_flow(body: UpdateSimpleFlowConfigInput, flow: FlowDep) -> Response:
    """Update the configuration used by items created from now on."""
    store.update_simple_config(flow=flow, body=body)
    return Response(status_code=204)


@router.post("/flow/simple/{flow_id}/item")
def create_simple_flow_item(
    body: CreateFlowItemInput, flow: FlowDep, session: SessionDep
) -> CreateFlowItemOutput:
    """Classify a dataset as a new item of the flow (TTL 10..3600 s, 240 s by default)."""
    item = store.create_item(session=session, flow=flow, body=body, kind="Simple")
    return CreateFlowItemOutput(flow_item_id=item.id)


@router.get("/flow/simple/item/{item_id}/results")
def get_simple_flow_item_results(item: FlowItemDep, session: SessionDep) -> ClassifyFlowItemResults:
    """Per datapoint: the majority category, the counts of the chosen categories and the vote count."""
    if "blueprint" not in item.config:
        raise BadRequestError(f"flow item '{item.id}' belongs to a ranking flow; read /flow/ranking/item/...")
    store.refresh_item(session=session, item=item)
    result = store.classification(session=session, item=item)
    return ClassifyFlowItemResults(
        datapoints=[
            ClassifyResultDatapoint(
                datapoint_id=d.datapoint_id,
                asset=d.asset,
                majority_value=d.majority_value,
                distribution=[CategoryCount(value=v, count=n) for v, n in d.counts.items()],
                response_count=d.response_count,
            )
            for d in result.datapoints
        ],
        total_responses=result.total_responses,
    )
