"""Datasets: schema, datapoints (segments) and groups."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from rapidata_nb.api.models._base import WireModel
from rapidata_nb.api.models.asset import AssetInput

__all__ = [
    "CreateDatapointInput",
    "CreateDatapointOutput",
    "CreateDatapointsInput",
    "CreateDatapointsOutput",
    "CreateDatasetGroupInput",
    "CreateDatasetInput",
    "CreateDatasetOutput",
    "DatasetSegmentDefinition",
    "DatasetSegmentInput",
    "SegmentKind",
    "SegmentOption",
    "ShortenContextInput",
    "ShortenContextInputItem",
    "ShortenContextOutput",
    "ShortenContextOutputItem",
]

SegmentKind = Literal["Text", "Asset", "OptionList"]


class DatasetSegmentDefinition(WireModel):
    """One column of a dataset schema."""

    key: str
    kind: SegmentKind
    label: str | None = None
    required: bool = False
    max_length: int | None = None


class CreateDatasetInput(WireModel):
    """Body of ``POST /dataset``."""

    name: str = Field(min_length=1)
    schema_: list[DatasetSegmentDefinition] | None = Field(None, alias="schema")


class CreateDatasetOutput(WireModel):
    """Answer of ``POST /dataset``."""

    dataset_id: str


class SegmentOption(WireModel):
    """One answer option of an ``OptionList`` segment."""

    label: str
    value: str


class DatasetSegmentInput(WireModel):
    """One segment of a datapoint: ``asset``, ``context``, ``context_asset``, ``transcription``,
    ``answer_options``."""

    key: str = Field(min_length=1)
    kind: SegmentKind
    text: str | None = None
    asset: AssetInput | None = None
    options: list[SegmentOption] | None = None


class CreateDatapointInput(WireModel):
    """Body of ``POST /dataset/{id}/datapoint``."""

    segments: list[DatasetSegmentInput] = []
    sort_index: int | None = None
    group: str | None = None
    private_metadata: dict[str, str] | None = None


class CreateDatapointOutput(WireModel):
    """Answer of ``POST /dataset/{id}/datapoint``."""

    datapoint_id: str


MAX_BATCH_DATAPOINTS = 5000
"""Most datapoints one ``POST /dataset/{id}/datapoints`` request takes."""


class CreateDatapointsInput(WireModel):
    """Body of ``POST /dataset/{id}/datapoints``: many datapoints in one request (our server only)."""

    datapoints: list[CreateDatapointInput] = Field(min_length=1, max_length=MAX_BATCH_DATAPOINTS)


class CreateDatapointsOutput(WireModel):
    """Answer of ``POST /dataset/{id}/datapoints``: the ids in the order of the request."""

    datapoint_ids: list[str]


class CreateDatasetGroupInput(WireModel):
    """Body of ``POST /dataset/{id}/group``: shared context of a ranking group."""

    group: str
    segments: list[DatasetSegmentInput] = []


class ShortenContextInputItem(WireModel):
    """One context to shorten for one question."""

    context: str
    question: str


class ShortenContextInput(WireModel):
    """Body of ``POST /datasets/shorten-context``."""

    items: list[ShortenContextInputItem]


class ShortenContextOutputItem(WireModel):
    """One shortened context."""

    shortened_context: str


class ShortenContextOutput(WireModel):
    """Answer of ``POST /datasets/shorten-context``."""

    items: list[ShortenContextOutputItem]
