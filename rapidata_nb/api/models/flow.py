"""Flows: a configuration plus items, each a small job with a time to live (wire notes §1.5).

A ranking flow ranks each item's datapoints by pairwise comparisons; a classify flow (the wire's "simple"
flow) sorts each datapoint of an item into one of the categories of its blueprint.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from rapidata_nb.api.models._base import WireModel
from rapidata_nb.api.models.asset import AssetInput
from rapidata_nb.api.models.bounds import Budget, DrainSeconds, TimeoutSeconds, Votes
from rapidata_nb.api.models.common import FeatureFlag

__all__ = [
    "CategoryCount",
    "ClassifyBlueprint",
    "ClassifyBlueprintCategory",
    "ClassifyFlowItemResults",
    "ClassifyResultDatapoint",
    "CreateFlowInput",
    "CreateFlowItemInput",
    "CreateFlowItemOutput",
    "CreateFlowOutput",
    "CreateSimpleFlowInput",
    "FlowItemOutput",
    "FlowItemState",
    "FlowOutput",
    "FlowSummaryOutput",
    "RankingFlowItemResults",
    "RankingResultDatapoint",
    "SimpleFlowOutput",
    "UpdateFlowConfigInput",
    "UpdateSimpleFlowConfigInput",
    "VoteMatrixOutput",
]

FlowItemState = Literal["Pending", "Running", "Completed", "Failed", "Stopping", "Stopped", "Incomplete"]


class CreateFlowInput(WireModel):
    """Body of ``POST /flow/ranking``."""

    name: str = Field(min_length=1)
    criteria: str = Field(min_length=1)
    audience_id: str | None = None
    validation_set_id: str | None = None
    starting_elo: int | None = None
    max_responses: Budget | None = None
    min_responses: Budget | None = None
    serve_timeout_seconds: TimeoutSeconds | None = None
    drain_duration_seconds: DrainSeconds | None = None
    feature_flags: list[FeatureFlag] | None = None


class CreateFlowOutput(WireModel):
    """Answer of ``POST /flow/ranking``."""

    flow_id: str


class UpdateFlowConfigInput(WireModel):
    """Body of ``PATCH /flow/ranking/{id}``; only fields that are set change (new items only)."""

    audience_id: str | None = None
    criteria: str | None = None
    starting_elo: int | None = None
    min_responses: Budget | None = None
    max_responses: Budget | None = None
    serve_timeout_seconds: TimeoutSeconds | None = None
    drain_duration_seconds: DrainSeconds | None = None
    feature_flags: list[FeatureFlag] | None = None


class FlowOutput(WireModel):
    """``GET /flow/{id}``: a ranking flow, tagged ``_t: RankingFlow``."""

    t: Literal["RankingFlow"] = Field("RankingFlow", alias="_t")
    id: str
    name: str
    campaign_id: str
    flow_item_count: int
    criteria: str | None
    starting_elo: int
    min_responses: int
    max_responses: int | None
    audience_id: str | None = None
    serve_timeout_seconds: int | None = None
    drain_duration_seconds: int | None = None
    serve_to_response_ratio: float | None = None
    serve_responses: int | None = None
    target_response_count: int | None = None
    pid_proportional_gain: float = 0.0
    pid_integral_gain: float = 0.003
    pid_derivative_gain: float = 0.0
    pid_output_offset: float = 25.0
    pid_min_sessions_per_minute: int = 20
    pid_max_sessions_per_minute: int = 50
    pid_batch_mode: str = "Total"
    feature_flags: list[FeatureFlag] = []
    owner_id: str
    owner_mail: str
    organization_id: str
    created_at: datetime


class FlowSummaryOutput(WireModel):
    """Items of ``GET /flow``."""

    id: str
    name: str
    type: Literal["Ranking", "Simple"] = "Ranking"
    owner_id: str
    owner_mail: str
    organization_id: str
    created_at: datetime


class CreateFlowItemInput(WireModel):
    """Body of ``POST /flow/ranking/{id}/item``."""

    dataset_id: str
    context: str | None = None
    context_asset: AssetInput | None = None
    time_to_live_in_seconds: TimeoutSeconds | None = None
    drain_duration_in_seconds: DrainSeconds | None = None


class CreateFlowItemOutput(WireModel):
    """Answer of ``POST /flow/ranking/{id}/item``."""

    flow_item_id: str


class FlowItemOutput(WireModel):
    """``GET /flow/ranking/item/{id}`` and the items of ``GET /flow/ranking/{id}/item``."""

    id: str
    flow_id: str
    dataset_id: str
    workflow_id: str | None = None
    job_id: str | None = None
    state: FlowItemState
    context: str | None = None
    context_asset: dict[str, Any] | None = None
    failure_message: str | None = None
    response_count: int = 0
    expires_at: datetime | None = None
    created_at: datetime
    started_at: datetime | None = None
    completed_at: datetime | None = None
    failed_at: datetime | None = None


class RankingResultDatapoint(WireModel):
    """One ranked datapoint: its stored asset (``FileAsset``/``TextAsset`` dict) and its Elo-scale score."""

    id: str
    asset: dict[str, Any]
    elo: int


class RankingFlowItemResults(WireModel):
    """Answer of ``GET /flow/ranking/item/{id}/results``."""

    datapoints: list[RankingResultDatapoint]
    total_votes: int


class VoteMatrixOutput(WireModel):
    """A pandas-``split``-shaped matrix: ``data[i][j]`` = wins of ``index[i]`` over ``columns[j]``."""

    index: list[str]
    columns: list[str]
    data: list[list[float]]


# --- classify ("simple") flows ------------------------------------------------------------------------------


class ClassifyBlueprintCategory(WireModel):
    """One category: what labelers read (``label``) and what results report (``value``)."""

    label: str = Field(min_length=1)
    value: str = Field(min_length=1)


class ClassifyBlueprint(WireModel):
    """The classification every datapoint of a classify flow's items gets."""

    t: Literal["ClassifyBlueprint"] = Field("ClassifyBlueprint", alias="_t")
    title: str = Field(min_length=1)
    categories: list[ClassifyBlueprintCategory]


class CreateSimpleFlowInput(WireModel):
    """Body of ``POST /flow/simple``."""

    name: str = Field(min_length=1)
    blueprint: ClassifyBlueprint
    max_responses: Votes
    min_responses: Votes
    audience_id: str | None = None
    validation_set_id: str | None = None
    serve_timeout_seconds: TimeoutSeconds | None = None
    drain_duration_seconds: DrainSeconds | None = None
    feature_flags: list[FeatureFlag] | None = None


class UpdateSimpleFlowConfigInput(WireModel):
    """Body of ``PATCH /flow/simple/{id}``; only fields that are set change (new items only)."""

    audience_id: str | None = None
    blueprint: ClassifyBlueprint | None = None
    max_responses: Votes | None = None
    min_responses: Votes | None = None
    drain_duration_seconds: DrainSeconds | None = None
    feature_flags: list[FeatureFlag] | None = None


class SimpleFlowOutput(WireModel):
    """``GET /flow/{id}`` for a classify flow, tagged ``_t: SimpleFlow``."""

    t: Literal["SimpleFlow"] = Field("SimpleFlow", alias="_t")
    id: str
    name: str
    campaign_id: str
    flow_item_count: int
    blueprint: ClassifyBlueprint
    min_responses: int
    max_responses: int
    audience_id: str | None = None
    serve_timeout_seconds: int | None = None
    drain_duration_seconds: int | None = None
    serve_to_response_ratio: float | None = None
    target_response_count: int | None = None
    pid_proportional_gain: float = 0.0
    pid_integral_gain: float = 0.003
    pid_derivative_gain: float = 0.0
    pid_output_offset: float = 25.0
    pid_min_sessions_per_minute: int = 20
    pid_max_sessions_per_minute: int = 50
    pid_batch_mode: str = "Total"
    feature_flags: list[FeatureFlag] = []
    owner_id: str
    owner_mail: str
    organization_id: str
    created_at: datetime


class CategoryCount(WireModel):
    """How many responses chose a category (by its value)."""

    value: str
    count: int


class ClassifyResultDatapoint(WireModel):
    """One classified datapoint: its stored asset, the majority category (``None`` on a tie) and the votes
    of every category, in the blueprint's order (0 for those nobody chose)."""

    datapoint_id: str
    asset: dict[str, Any]
    majority_value: str | None
    distribution: list[CategoryCount]
    response_count: int


class ClassifyFlowItemResults(WireModel):
    """Answer of ``GET /flow/simple/item/{id}/results``."""

    datapoints: list[ClassifyResultDatapoint]
    total_responses: int
