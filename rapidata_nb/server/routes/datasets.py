"""Datasets, datapoints, ranking groups and context shortening."""

from __future__ import annotations

from fastapi import APIRouter

from rapidata_nb._gc import collection_paused
from rapidata_nb.api.models import (
    CreateDatapointInput,
    CreateDatapointOutput,
    CreateDatapointsInput,
    CreateDatapointsOutput,
    CreateDatasetGroupInput,
    CreateDatasetInput,
    CreateDatasetOutput,
    ShortenContextInput,
    ShortenContextOutput,
    ShortenContextOutputItem,
)
from rapidata_nb.engine.text import shorten_context as shorten
from rapidata_nb.server.deps import CurrentUser, SessionDep
from rapidata_nb.server.loaders import DatasetDep
from rapidata_nb.server.store import datasets as store

router = APIRouter(tags=["dataset"])


@router.post("/dataset")
def create_dataset(body: CreateDatasetInput, session: SessionDep, user: CurrentUser) -> CreateDatasetOutput:
    """Create an empty dataset (optionally with a schema)."""
    dataset = store.create_dataset(
        session=session, owner_id=user.customer_id, name=body.name, schema=body.schema_
    )
    return CreateDatasetOutput(dataset_id=dataset.id)


@router.post("/dataset/{dataset_id}/datapoint")
def create_datapoint(
    body: CreateDatapointInput, dataset: DatasetDep, session: SessionDep
) -> CreateDatapointOutput:
    """Add one datapoint; every referenced ``fileName`` must exist."""
    datapoint = store.create_datapoint(session=session, dataset=dataset, body=body)
    return CreateDatapointOutput(datapoint_id=datapoint.id)


@router.post("/dataset/{dataset_id}/datapoints")
def create_datapoints(
    body: CreateDatapointsInput, dataset: DatasetDep, session: SessionDep
) -> CreateDatapointsOutput:
    """Add up to 5,000 datapoints, all or none (our server only: 400 lists every invalid item)."""
    with collection_paused():  # up to 5,000 items validated and inserted (rapidata_nb._gc)
        ids = store.create_datapoints(session=session, dataset=dataset, bodies=body.datapoints)
    return CreateDatapointsOutput(datapoint_ids=ids)


@router.post("/dataset/{dataset_id}/group")
def create_group(body: CreateDatasetGroupInput, dataset: DatasetDep, session: SessionDep) -> dict[str, str]:
    """Set the shared context of a ranking group."""
    store.upsert_group(session=session, dataset=dataset, group=body.group, segments=body.segments)
    return {"datasetId": dataset.id, "group": body.group}


@router.post("/datasets/shorten-context")
def shorten_context(body: ShortenContextInput, user: CurrentUser) -> ShortenContextOutput:
    """Shorten contexts to at most 400 characters, keeping the sentences most relevant to the question."""
    return ShortenContextOutput(
        items=[ShortenContextOutputItem(shortened_context=shorten(i.context, i.question)) for i in body.items]
    )
