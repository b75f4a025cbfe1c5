"""Job definitions: workflows (all 7 task types), referees, revisions, cost estimate."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter

from rapidata_nb.api.models._base import WireModel
from rapidata_nb.api.models.asset import AssetInput
from rapidata_nb.api.models.bounds import BatchSize, Budget, Votes
from rapidata_nb.api.models.common import FeatureFlag

__all__ = [
    "AssetBinding",
    "BradleyTerryRankingConfig",
    "ClassifySpec",
    "CompareSpec",
    "CostEstimate",
    "CreateDefinitionInput",
    "CreateDefinitionOutput",
    "DefinitionListItem",
    "DefinitionOutput",
    "DefinitionType",
    "EarlyStoppingReferee",
    "FeatureFlag",
    "FreeTextSpec",
    "FullPermutationPairMaker",
    "GroupedRankingWorkflow",
    "LineSpec",
    "LocateSpec",
    "NaiveReferee",
    "OnlinePairMaker",
    "OptionsBinding",
    "PairMakerConfig",
    "QuorumReferee",
    "RapidSpec",
    "Referee",
    "RevisionListItem",
    "RevisionOutput",
    "RevisionState",
    "SaveRevisionInput",
    "SaveRevisionOutput",
    "SimpleWorkflow",
    "TextBinding",
    "TranscriptionSpec",
    "Workflow",
    "parse_referee",
    "parse_workflow",
]

DefinitionType = Literal[
    "Unknown",
    "Classify",
    "Compare",
    "Locate",
    "Line",
    "Transcription",
    "FreeText",
    "Ranking",
    "GroupedRanking",
]
RevisionState = Literal["Pending", "Completed", "Failed"]


# --- bindings: where a rapid takes its text/asset/options from ----------------------------------------------


class AssetBinding(WireModel):
    """Take the asset from a datapoint segment."""

    segment: str


class TextBinding(WireModel):
    """A literal text, or the text of a datapoint segment."""

    literal: str | None = None
    segment: str | None = None
    language: str | None = None


class OptionsBinding(WireModel):
    """Literal answer options, or the ``OptionList`` segment of each datapoint."""

    literal: list[dict[str, str]] | None = None
    segment: str | None = None


# --- rapid specs (one per task type) ------------------------------------------------------------------------


class _SpecBase(WireModel):
    asset: AssetBinding = Field(default_factory=lambda: AssetBinding(segment="asset"))
    context: TextBinding | None = None
    context_assets: list[AssetBinding] | None = None


class CompareSpec(_SpecBase):
    """Which of two assets fits the criteria better."""

    t: Literal["Compare"] = Field("Compare", alias="_t")
    criteria: TextBinding
    index_identifiers: list[str] | None = None


class ClassifySpec(_SpecBase):
    """Pick the matching categories."""

    t: Literal["Classify"] = Field("Classify", alias="_t")
    title: TextBinding
    categories: OptionsBinding


class LocateSpec(_SpecBase):
    """Click on the target."""

    t: Literal["Locate"] = Field("Locate", alias="_t")
    target: TextBinding


class LineSpec(_SpecBase):
    """Draw over the target."""

    t: Literal["Line"] = Field("Line", alias="_t")
    target: TextBinding


class TranscriptionSpec(_SpecBase):
    """Select the words of a sentence (select words)."""

    t: Literal["Transcription"] = Field("Transcription", alias="_t")
    title: TextBinding
    transcription: TextBinding


class FreeTextSpec(_SpecBase):
    """Answer in free text."""

    t: Literal["FreeText"] = Field("FreeText", alias="_t")
    question: TextBinding
    should_validate_response: bool | None = None
    validation_system_prompt: str | None = None


RapidSpec = Annotated[
    CompareSpec | ClassifySpec | LocateSpec | LineSpec | TranscriptionSpec | FreeTextSpec,
    Field(discriminator="t"),
]


# --- workflows ----------------------------------------------------------------------------------------------


class SimpleWorkflow(WireModel):
    """One rapid per datapoint."""

    t: Literal["SimpleWorkflow"] = Field("SimpleWorkflow", alias="_t")
    rapid: RapidSpec
    batch_size: BatchSize | None = None
    feature_flags: list[FeatureFlag] | None = None


class FullPermutationPairMaker(WireModel):
    """Every pair of a group (groups of at most 10)."""

    t: Literal["FullPermutationPairMaker"] = Field("FullPermutationPairMaker", alias="_t")


class OnlinePairMaker(WireModel):
    """Adaptive pairs within a comparison budget (larger groups)."""

    t: Literal["OnlinePairMaker"] = Field("OnlinePairMaker", alias="_t")
    random_matches_ratio: float | None = Field(None, ge=0, le=1)
    total_comparison_budget: Budget | None = None


PairMakerConfig = Annotated[FullPermutationPairMaker | OnlinePairMaker, Field(discriminator="t")]


class BradleyTerryRankingConfig(WireModel):
    """Scores are Bradley–Terry strengths on an Elo-like scale around ``starting_score``."""

    t: Literal["BradleyTerryRankingConfig"] = Field("BradleyTerryRankingConfig", alias="_t")
    starting_score: int = 1200


class GroupedRankingWorkflow(WireModel):
    """Rank the items of each datapoint group by pairwise comparisons."""

    t: Literal["GroupedRankingWorkflow"] = Field("GroupedRankingWorkflow", alias="_t")
    criteria: str
    pair_maker_config: PairMakerConfig | None = None
    ranking_config: BradleyTerryRankingConfig | None = None
    contexts: dict[str, str] | None = None
    context_assets: dict[str, AssetInput] | None = None
    feature_flags: list[FeatureFlag] | None = None
    max_parallelism: BatchSize | None = None


Workflow = Annotated[SimpleWorkflow | GroupedRankingWorkflow, Field(discriminator="t")]


# --- referees -----------------------------------------------------------------------------------------------


class NaiveReferee(WireModel):
    """Stop at ``total_votes`` responses."""

    t: Literal["NaiveReferee"] = Field("NaiveReferee", alias="_t")
    total_votes: Votes


class QuorumReferee(WireModel):
    """Stop when one answer has ``threshold`` votes, when none can reach it, or at ``max_votes``."""

    t: Literal["QuorumReferee"] = Field("QuorumReferee", alias="_t")
    max_votes: Votes
    threshold: Votes


class EarlyStoppingReferee(WireModel):
    """Stop when one category reaches confidence ``threshold`` (0..1), or at ``max_votes``."""

    t: Literal["EarlyStoppingReferee"] = Field("EarlyStoppingReferee", alias="_t")
    max_votes: Votes
    threshold: float = Field(gt=0, le=1)


Referee = Annotated[NaiveReferee | QuorumReferee | EarlyStoppingReferee, Field(discriminator="t")]


# --- reading stored workflows and referees (a revision's JSON columns) ------------------------------------

_WORKFLOW: TypeAdapter[SimpleWorkflow | GroupedRankingWorkflow] = TypeAdapter(Workflow)
_REFEREE: TypeAdapter[NaiveReferee | QuorumReferee | EarlyStoppingReferee] = TypeAdapter(Referee)


def parse_workflow(raw: Mapping[str, Any]) -> SimpleWorkflow | GroupedRankingWorkflow:
    """A stored workflow (its wire dict) as its model."""
    return _WORKFLOW.validate_python(raw)


def parse_referee(raw: Mapping[str, Any]) -> NaiveReferee | QuorumReferee | EarlyStoppingReferee:
    """A stored referee (its wire dict) as its model."""
    return _REFEREE.validate_python(raw)


# --- definitions and revisions ------------------------------------------------------------------------------


class CreateDefinitionInput(WireModel):
    """Body of ``POST /job/definition``."""

    definition_name: str = Field(min_length=1)
    workflow: Workflow
    referee: Referee
    dataset_id: str
    rapid_feature_flags: list[FeatureFlag] | None = None
    campaign_feature_flags: list[FeatureFlag] | None = None
    aggregator_type: str | None = None


class CreateDefinitionOutput(WireModel):
    """Answer of ``POST /job/definition``."""

    definition_id: str
    pipeline_id: str


class DefinitionOutput(WireModel):
    """Answer of ``GET /job/definition/{id}``."""

    definition_id: str
    name: str
    definition_type: DefinitionType
    is_public: bool = False
    created_at: datetime
    owner_id: str
    owner_mail: str
    organization_id: str
    revision_count: int = 1
    latest_revision_number: int = 1


class DefinitionListItem(WireModel):
    """One item of ``GET /job/definitions``."""

    definition_id: str
    name: str
    definition_type: DefinitionType
    created_at: datetime
    revision_count: int
    owner_id: str
    owner_mail: str
    organization_id: str


class RevisionOutput(WireModel):
    """Answer of ``GET /job/definition/{id}/revision[/{n}]``: one revision snapshot."""

    definition_id: str
    revision_number: int
    state: RevisionState
    pipeline_id: str
    dataset_id: str
    aggregator_type: str | None = None
    workflow: Workflow
    referee: Referee
    feature_flags: list[FeatureFlag] = []
    campaign_feature_flags: list[FeatureFlag] = []
    validation_set_id: str | None = None
    base_revision_number: int | None = None
    created_at: datetime
    created_by_id: str
    created_by_mail: str


class RevisionListItem(WireModel):
    """One item of ``GET /job/definition/{id}/revisions``."""

    definition_id: str
    revision_number: int
    base_revision_number: int | None = None
    created_at: datetime
    state: RevisionState


class SaveRevisionInput(WireModel):
    """Body of ``POST /job/definition/{id}/revision``: fields not given are copied from the base revision."""

    workflow: Workflow | None = None
    referee: Referee | None = None
    dataset_id: str | None = None
    rapid_feature_flags: list[FeatureFlag] | None = None
    campaign_feature_flags: list[FeatureFlag] | None = None
    aggregator_type: str | None = None
    validation_set_id: str | None = None
    base_revision_number: int | None = None
    require_latest: bool | None = None


class SaveRevisionOutput(WireModel):
    """Answer of ``POST /job/definition/{id}/revision``."""

    revision_number: int
    pipeline_id: str


class CostEstimate(WireModel):
    """Answer of ``GET /job/definition/{id}/cost-estimate``."""

    estimated_cost: float
    cost_per_response: float
    datapoint_count: int
    required_responses: int
