"""Model Ranking Insights (MRI): benchmarks, prompts, leaderboards, participants, samples and standings.

Shapes follow the official SDK's ``api_client`` models (wire notes §1.5); list endpoints use the common paged
shape ``{total, page, pageSize, totalPages, items}``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from rapidata_nb.api.models._base import WireModel
from rapidata_nb.api.models.asset import AssetInput
from rapidata_nb.api.models.bounds import Budget, Votes
from rapidata_nb.api.models.common import FeatureFlag

__all__ = [
    "BenchmarkOutput",
    "BreakdownSegment",
    "BenchmarkSummaryOutput",
    "CreateBenchmarkInput",
    "CreateBenchmarkOutput",
    "CreateLeaderboardInput",
    "CreateLeaderboardOutput",
    "CreateParticipantInput",
    "CreateParticipantOutput",
    "CostUnit",
    "CreatePromptInput",
    "CreatePromptOutput",
    "CreateSampleInput",
    "CreateSampleOutput",
    "DemographicDimension",
    "DemographicsBucket",
    "DemographicsDimensions",
    "DemographicsOutput",
    "LeaderboardOutput",
    "LeaderboardRunOutput",
    "MatrixOutput",
    "Origin",
    "ParticipantOutput",
    "ParticipantStatus",
    "PromptOutput",
    "PromptSegment",
    "PromptSegmentInput",
    "SampleOutput",
    "StandingItem",
    "StandingsBreakdownOutput",
    "StandingsOutput",
    "SubmitParticipantsInput",
    "TagCountsOutput",
    "TagSummary",
    "SubmitParticipantsOutput",
    "Tag",
    "UpdateBenchmarkInput",
    "UpdateLeaderboardInput",
    "UpdateParticipantInput",
    "UpdatePromptTagsInput",
    "VoteAggregation",
]

ParticipantStatus = Literal["Created", "Submittable", "Submitted", "Disabled"]
VoteAggregation = Literal["AllVotes", "MajorityVote"]
CostUnit = Literal["UsdPerImage", "UsdPerVideoSecond", "UsdPerMillionTokens", "UsdPerSample"]
DemographicDimension = Literal["AgeBucket", "Gender", "Occupation", "Country", "Language"]


class Tag(WireModel):
    """A prompt tag (filters standings; never shown to labelers)."""

    value: str
    category: str | None = None


class Origin(WireModel):
    """Where a prompt came from."""

    source: str


class CreateBenchmarkInput(WireModel):
    """Body of ``POST /benchmark``."""

    name: str = Field(min_length=1)
    description: str | None = None
    min_assets_per_prompt: Votes | None = None


class CreateBenchmarkOutput(WireModel):
    """Answer of ``POST /benchmark``."""

    id: str


class UpdateBenchmarkInput(WireModel):
    """Body of ``PATCH /benchmark/{id}``."""

    name: str | None = None
    min_assets_per_prompt: Votes | None = None


class BenchmarkOutput(WireModel):
    """``GET /benchmark/{id}``."""

    id: str
    name: str
    description: str | None = None
    is_public: bool = False
    is_published: bool = False
    created_at: datetime
    owner_id: str | None = None
    owner_mail: str | None = None
    organization_id: str | None = None
    initial_boost_level: int | None = None
    score_shift: float = 0.0
    score_scale: float = 1.0
    fork_status: str = "Ready"
    last_updated_at: datetime | None = None
    prompt_structure: list[dict[str, Any]] = []
    min_assets_per_prompt: int | None = None


class BenchmarkSummaryOutput(WireModel):
    """Items of ``GET /benchmarks``."""

    id: str
    name: str
    is_managed: bool = False
    is_public: bool = False
    is_published: bool = False
    created_at: datetime
    owner_mail: str
    organization_id: str
    last_updated_at: datetime | None = None


class PromptSegmentInput(WireModel):
    """One part of a prompt: text (``key: "prompt"``) or an asset (``key: "prompt_asset"``)."""

    key: str
    kind: Literal["Text", "Asset"]
    text: str | None = None
    asset: AssetInput | None = None


class CreatePromptInput(WireModel):
    """Body of ``POST /benchmark/{id}/prompt``."""

    identifier: str = Field(min_length=1)
    segments: list[PromptSegmentInput] | None = None
    tags: list[Tag] | None = None
    origin: Origin | None = None


class CreatePromptOutput(WireModel):
    """Answer of ``POST /benchmark/{id}/prompt``."""

    id: str


class PromptSegment(WireModel):
    """A stored prompt segment."""

    key: str
    kind: Literal["Text", "Asset"]
    original_text: str | None = None
    english_text: str | None = None
    asset: dict[str, Any] | None = None


class PromptOutput(WireModel):
    """Items of ``GET /benchmark/{id}/prompts``.

    ``englishPrompt`` is the original text: the local server does not translate (identity translation).
    """

    id: str
    identifier: str
    original_prompt: str | None = None
    english_prompt: str | None = None
    segments: list[PromptSegment] = []
    tags: list[Tag] = []
    origin: Origin | None = None
    created_at: datetime


class CreateLeaderboardInput(WireModel):
    """Body of ``POST /leaderboard``."""

    benchmark_id: str | None = None
    benchmark_name: str | None = None
    name: str = Field(min_length=1)
    instruction: str = Field(min_length=1)
    show_prompt: bool = False
    show_prompt_asset: bool | None = None
    response_budget: Budget | None = None
    min_responses: Votes | None = None
    is_inversed: bool | None = None
    audience_id: str | None = None
    vote_aggregation: VoteAggregation | None = None
    included_tags: list[str] | None = None
    excluded_tags: list[str] | None = None
    feature_flags: list[FeatureFlag] | None = None
    skip_initial_run: bool | None = None


class CreateLeaderboardOutput(WireModel):
    """Answer of ``POST /leaderboard``."""

    id: str
    benchmark_id: str
    show_prompt: bool
    show_prompt_asset: bool
    response_budget: int
    min_responses: int
    is_inversed: bool
    vote_aggregation: VoteAggregation


class LeaderboardOutput(WireModel):
    """``GET /leaderboard/{id}`` and the items of ``GET /benchmark/{id}/leaderboards``."""

    id: str
    benchmark_id: str
    name: str
    instruction: str
    display_instruction: str | None = None
    show_prompt: bool
    show_prompt_asset: bool
    is_inversed: bool
    response_budget: int
    min_responses: int
    audience_id: str
    job_definition_id: str | None = None
    priority: int | None = None
    feature_flags: list[FeatureFlag] = []
    weight: float = 1.0
    score_shift: float = 0.0
    score_scale: float = 1.0
    is_hidden: bool = False
    is_excluded_from_overall: bool = False
    vote_aggregation: VoteAggregation
    included_tags: list[str] = []
    excluded_tags: list[str] = []
    last_updated_at: datetime | None = None
    rapid_context_projection: dict[str, Any] | None = None


class UpdateLeaderboardInput(WireModel):
    """Body of ``PATCH /leaderboard/{id}``."""

    name: str | None = None
    response_budget: Budget | None = None
    min_responses: Votes | None = None
    vote_aggregation: VoteAggregation | None = None


class LeaderboardRunOutput(WireModel):
    """Items of ``GET /leaderboard/{id}/runs``: one evaluation job."""

    id: str
    name: str
    status: str
    created_at: datetime
    owner_mail: str
    organization_id: str
    order_id: str | None = None
    job_id: str | None = None
    audience_id: str


class CreateParticipantInput(WireModel):
    """Body of ``POST /benchmark/{id}/participants``."""

    name: str = Field(min_length=1)


class CreateParticipantOutput(WireModel):
    """Answer of ``POST /benchmark/{id}/participants``."""

    participant_id: str
    dataset_id: str


class UpdateParticipantInput(WireModel):
    """Body of ``PATCH /participant/{id}``: only the fields sent change; ``cost: null`` removes the price."""

    name: str | None = None
    cost: float | None = Field(None, gt=0, allow_inf_nan=False)
    cost_unit: CostUnit | None = None


class ParticipantOutput(WireModel):
    """Items of ``GET /benchmark/{id}/participants``."""

    id: str
    name: str
    benchmark_id: str
    status: ParticipantStatus
    votes_excluded: bool = False
    sample_count: int = 0
    cost: float | None = None
    cost_unit: CostUnit | None = None
    created_at: datetime


class CreateSampleInput(WireModel):
    """Body of ``POST /participant/{id}/sample``: one generated medium for one prompt identifier."""

    identifier: str = Field(min_length=1)
    asset: AssetInput
    cost: float | None = None


class CreateSampleOutput(WireModel):
    """Answer of ``POST /participant/{id}/sample``."""

    id: str


class SampleOutput(WireModel):
    """Items of ``GET /participant/{id}/samples``."""

    id: str
    participant_id: str
    identifier: str
    asset: dict[str, Any]


class SubmitParticipantsInput(WireModel):
    """Body of ``POST /participants/submit``."""

    participant_ids: list[str] = Field(min_length=1)


class SubmitParticipantsOutput(WireModel):
    """Answer of ``POST /participants/submit``."""

    valid_datapoints: int
    invalid_datapoints: int
    min_assets_per_prompt_warning: dict[str, Any] | None = None


class StandingItem(WireModel):
    """One participant's standing: Bradley–Terry score on the Elo-like scale, wins and matches."""

    id: str
    name: str
    status: Literal["Finished", "Pending"] = "Finished"
    score: float | None
    wins: float
    total_matches: float
    response_count: int
    is_disabled: bool = False
    confidence_interval: dict[str, float] | None = None


class StandingsOutput(WireModel):
    """Answer of ``GET /leaderboard/{id}/standings/query`` and ``GET /benchmark/{id}/standings/query``."""

    items: list[StandingItem]
    total_responses: int


class MatrixOutput(WireModel):
    """Answer of the ``matrix/query`` endpoints: ``data[i][j]`` = wins of ``index[i]`` over ``columns[j]``,
    ``votes[i][j]`` = their matchups against each other."""

    index: list[str]
    columns: list[str]
    data: list[list[float]]
    votes: list[list[float]]


class DemographicsBucket(WireModel):
    """The votes of one value of a demographic dimension and their share of the dimension's votes."""

    value: str
    votes: int
    share: float


class DemographicsDimensions(WireModel):
    """The buckets of every demographic dimension (each lists ``unknown``)."""

    age_bucket: list[DemographicsBucket]
    gender: list[DemographicsBucket]
    occupation: list[DemographicsBucket]
    country: list[DemographicsBucket]
    language: list[DemographicsBucket]


class DemographicsOutput(WireModel):
    """Answer of ``GET /benchmark/{id}/demographics``: who cast the votes behind the standings."""

    total_votes: int
    dimensions: DemographicsDimensions


class BreakdownSegment(WireModel):
    """The standings among the voters of one value of the dimension."""

    value: str
    votes: int
    items: list[StandingItem]


class StandingsBreakdownOutput(WireModel):
    """Answer of ``GET /benchmark/{id}/standings/breakdown``: overall standings and one set per segment."""

    dimension: DemographicDimension
    global_: list[StandingItem] = Field(alias="global")
    segments: list[BreakdownSegment]


class UpdatePromptTagsInput(WireModel):
    """Body of ``PUT /benchmark-prompt/{id}/tags``: replaces the tags (and the origin, when given)."""

    tags: list[Tag] | None = None
    origin: Origin | None = None


class TagSummary(WireModel):
    """One tag of a benchmark and how many prompts carry it."""

    value: str
    category: str | None = None
    prompt_count: int


class TagCountsOutput(WireModel):
    """Answer of ``GET /benchmark/{id}/tags``."""

    tags: list[TagSummary]
